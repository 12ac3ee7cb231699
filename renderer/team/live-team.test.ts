import { QueryClient, QueryObserver } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import { followTeamChanges, teamKeys } from './live-team.ts';

/** A query on screen that counts how often the host is asked for it. */
function watched(qc: QueryClient, queryKey: readonly unknown[]) {
  let asked = 0;
  const observer = new QueryObserver(qc, { queryKey, queryFn: () => ++asked, staleTime: Infinity });
  const off = observer.subscribe(() => {});
  return { asked: () => asked, off };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('team queries following the host’s "team changed" event', () => {
  it('asks again for every team query on screen once per burst, and for nothing else', async () => {
    const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    const status = watched(qc, teamKeys.status);
    const chat = watched(qc, teamKeys.chat('acc-1', 'chat 334'));
    const history = watched(qc, ['history', 'list', {}]);
    await settle();
    expect([status.asked(), chat.asked(), history.asked()]).toEqual([1, 1, 1]);

    let emit = () => {};
    const frames: (() => void)[] = [];
    const stop = followTeamChanges(
      qc,
      (listener) => {
        emit = listener;
        return () => (emit = () => {});
      },
      (run) => {
        frames.push(run);
        return () => frames.splice(frames.indexOf(run), 1);
      },
    );
    emit();
    emit();
    emit();
    expect(frames).toHaveLength(1);
    frames.shift()!();
    await settle();
    expect([status.asked(), chat.asked(), history.asked()]).toEqual([2, 2, 1]);

    // After the window stops listening, a late event and a frame still waiting change nothing.
    emit();
    expect(frames).toHaveLength(1);
    stop();
    expect(frames).toHaveLength(0);
    emit();
    expect(frames).toHaveLength(0);
    [status, chat, history].forEach((w) => w.off());
  });
});
