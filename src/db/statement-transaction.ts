import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * Runs `work` in one database transaction, on a fresh fork of `em` bound to it, without the
 * unit of work's transaction machinery: `em.transactional` forks with a copy of `em`'s
 * identity map and its own event manager, and afterwards merges everything the fork holds
 * back into `em`. For work written as plain statements that bookkeeping is all overhead
 * (about 70 µs of CPU per transaction here, docs/PERFORMANCE.md).
 *
 * The fork applies `em`'s filters. Whatever `work` persists on it is flushed before the
 * commit; what it loads stays in the fork and is not merged into `em`.
 */
export async function statementTransaction<T>(
  em: EntityManager,
  work: (tx: EntityManager) => Promise<T>,
): Promise<T> {
  return em.getConnection().transactional(async (trx) => {
    const tx = em.fork();
    tx.setTransactionContext(trx);
    const result = await work(tx);
    await tx.flush();
    return result;
  });
}
