import { LRUCache } from 'lru-cache';

/** `compute` remembered for the last `max` distinct keys: for small pure functions asked often. */
export function memo<V extends {}>(compute: (key: string) => V, max = 4096): (key: string) => V {
  const kept = new LRUCache<string, V>({ max });
  return (key) => {
    let value = kept.get(key);
    if (value === undefined) {
      value = compute(key);
      kept.set(key, value);
    }
    return value;
  };
}
