import { MutationObserver, QueryObserver } from '@tanstack/react-query';
import { afterEach, describe, expect, it } from 'vitest';
import { createQueryClient, showErrorsWith } from './query-client.ts';

describe('query and mutation errors are shown in one place', () => {
  let stop: () => void = () => {};
  afterEach(() => stop());

  it('a failed query and a failed mutation each reach the one error place once', async () => {
    const shown: unknown[] = [];
    stop = showErrorsWith((e) => shown.push(e));
    const qc = createQueryClient();
    const query = new QueryObserver(qc, { queryKey: ['accounts'], queryFn: () => Promise.reject(new Error('list refused')) });
    const off = query.subscribe(() => {});
    await query.refetch();
    off();
    await new MutationObserver(qc, { mutationFn: () => Promise.reject(new Error('save refused')) }).mutate().catch(() => {});

    expect(shown.map((e) => (e as Error).message)).toEqual(['list refused', 'save refused']);
  });

  it('a mutation that shows its refusal in place is not shown again', async () => {
    const shown: unknown[] = [];
    stop = showErrorsWith((e) => shown.push(e));
    const qc = createQueryClient();
    const inPlace = new MutationObserver(qc, {
      mutationFn: () => Promise.reject(new Error('edit refused')),
      meta: { errorShownInPlace: true },
    });

    await expect(inPlace.mutate()).rejects.toThrow('edit refused');
    expect(shown).toEqual([]);
  });
});
