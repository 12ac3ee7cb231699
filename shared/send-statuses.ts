// Plain data: the history filter in the renderer reads this list, so no schema lives here (the schema is in sends.ts).
export const sendStatuses = ['scheduled', 'pending', 'sending', 'waiting', 'sent', 'failed', 'outcome_unknown', 'cancelled'] as const;
export type SendStatus = (typeof sendStatuses)[number];
