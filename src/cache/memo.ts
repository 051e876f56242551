import { LRUCache } from 'lru-cache';

/**
 * `compute` remembered for the last `max` distinct keys (least recently used going first):
 * for pure functions of a few small values asked again and again, such as the instant a
 * local wall time begins in a zone.
 */
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
