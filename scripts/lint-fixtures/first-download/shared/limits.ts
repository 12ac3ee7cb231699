import { messageSchema } from './message-schema.ts';

// Seeded: a plain-looking module that hands the schema on.
export const limits = { textMax: messageSchema.shape.text.maxLength };
