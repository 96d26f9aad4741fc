<?php

declare(strict_types=1);

namespace MpesaBridge;

use MpesaBridge\Results\Page;

/**
 * What a list call returns: `foreach` over it for every item of every page (fetched as you go),
 * or ask for firstPage(), pages() or all(). Nothing is fetched before that.
 *
 * @template T
 * @implements \IteratorAggregate<int, T>
 */
final class PagedList implements \IteratorAggregate
{
    /** @var Page<T>|null */
    private ?Page $first = null;
    /** @var \Closure(?string): Page<T> */
    private \Closure $fetchPage;

    /** @param \Closure(?string): Page<T> $fetchPage */
    public function __construct(\Closure $fetchPage, private readonly ?string $cursor = null)
    {
        $this->fetchPage = $fetchPage;
    }

    /** @return Page<T> the first page (fetched once) */
    public function firstPage(): Page
    {
        return $this->first ??= ($this->fetchPage)($this->cursor);
    }

    /** @return \Generator<int, Page<T>> every page in turn, starting with the first */
    public function pages(): \Generator
    {
        $page = $this->firstPage();
        yield $page;
        while ($page->nextCursor !== null && $page->nextCursor !== '') {
            $page = ($this->fetchPage)($page->nextCursor);
            yield $page;
        }
    }

    /** @return \Generator<int, T> */
    public function getIterator(): \Generator
    {
        foreach ($this->pages() as $page) {
            foreach ($page->data as $item) {
                yield $item;
            }
        }
    }

    /** @return list<T> every item of every page, collected; stops at $max items when given */
    public function all(?int $max = null): array
    {
        $collected = [];
        if ($max !== null && $max <= 0) {
            return $collected;
        }
        foreach ($this as $item) {
            $collected[] = $item;
            if ($max !== null && count($collected) >= $max) {
                break;
            }
        }
        return $collected;
    }
}
