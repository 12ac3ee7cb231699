/** What a directory entry is; apart from the schemas so the renderer can name a kind without zod. */
export const recipientKinds = ['chat', 'user', 'contact', 'group', 'counterparty', 'organization'] as const;
