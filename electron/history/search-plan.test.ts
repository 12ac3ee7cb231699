import { describe, expect, it } from 'vitest';
import { COUNT_CAP, filtersFirst } from './search-plan.ts';

const M = 1_000_000;

describe('which side drives a search with words and filters', () => {
  it('a common word for one recipient is found from the recipient’s few sends', () => {
    expect(filtersFirst({ filtered: 3, matched: COUNT_CAP, span: M, want: 101, filterStreams: true })).toBe(true);
  });

  it('a rare word with a broad filter is found from the word’s few matches', () => {
    expect(filtersFirst({ filtered: COUNT_CAP, matched: 40, span: M, want: 101, filterStreams: true })).toBe(false);
  });

  it('a common word with a broad filter walks the words: both fill the page at once, and a lookup is cheaper than a probe', () => {
    expect(filtersFirst({ filtered: COUNT_CAP, matched: COUNT_CAP, span: M, want: 101, filterStreams: true })).toBe(false);
  });

  it('filters that cannot stream in order are driven from only when there are few of them', () => {
    expect(filtersFirst({ filtered: 5_000, matched: COUNT_CAP, span: M, want: 101, filterStreams: false })).toBe(true);
    expect(filtersFirst({ filtered: COUNT_CAP, matched: COUNT_CAP, span: M, want: 101, filterStreams: false })).toBe(false);
  });

  it('nothing on one side: that side answers at once', () => {
    expect(filtersFirst({ filtered: 0, matched: COUNT_CAP, span: M, want: 101, filterStreams: true })).toBe(true);
    expect(filtersFirst({ filtered: COUNT_CAP, matched: 0, span: M, want: 101, filterStreams: true })).toBe(false);
  });
});
