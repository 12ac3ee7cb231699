/**
 * The moments of a send where a crash hurts most, by name. The host calls its `killPoint` option
 * at each; only the crash test's host process passes one (it reads OPERATOR_KILL_AT and kills
 * itself there). The app passes none, and nothing here reads the environment.
 */
export const killPoints = [
  'before_write_ahead_commit',
  'after_write_ahead_commit',
  'before_start_commit',
  'after_answer',
  'before_final_commit',
  'after_cancel_commit',
  'after_reschedule_commit',
] as const;
export type KillPoint = (typeof killPoints)[number];

export type KillPointHook = (point: KillPoint, sendId: string) => void;
