// A list call is both a promise of its first page and an async iterable over every item of
// every page, so `await client.transactions.list(f)` and `for await (const t of client.transactions.list(f))`
// both read naturally. Nothing is fetched until one of them is used.
import type { Page } from './types.js';

export interface PagedList<T> extends PromiseLike<Page<T>>, AsyncIterable<T> {
  catch<R = never>(onRejected: (reason: unknown) => R | PromiseLike<R>): Promise<Page<T> | R>;
  finally(onFinally: () => void): Promise<Page<T>>;
  /** Every page in turn, starting with the first. */
  pages(): AsyncIterable<Page<T>>;
  /** Every item of every page, collected; stops at `max` items when given. */
  all(options?: { max?: number }): Promise<T[]>;
}

export function pagedList<T>(
  fetchPage: (cursor: string | undefined) => Promise<Page<T>>,
  firstCursor?: string,
): PagedList<T> {
  let firstPage: Promise<Page<T>> | undefined;
  const first = () => (firstPage ??= fetchPage(firstCursor));

  async function* pages(): AsyncGenerator<Page<T>> {
    let page = await first();
    yield page;
    while (page.nextCursor) {
      page = await fetchPage(page.nextCursor);
      yield page;
    }
  }

  async function* items(): AsyncGenerator<T> {
    for await (const page of pages()) yield* page.data;
  }

  return {
    then: (onFulfilled, onRejected) => first().then(onFulfilled, onRejected),
    catch: (onRejected) => first().catch(onRejected),
    finally: (onFinally) => first().finally(onFinally),
    [Symbol.asyncIterator]: () => items(),
    pages,
    async all(options = {}) {
      const { max } = options;
      const collected: T[] = [];
      if (max !== undefined && max <= 0) return collected;
      for await (const item of items()) {
        collected.push(item);
        if (max !== undefined && collected.length >= max) break;
      }
      return collected;
    },
  };
}
