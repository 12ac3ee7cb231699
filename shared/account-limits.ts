/** What an account's name may hold: the account form and the host's schema take the number from here. */
export const accountLimits = { nameMax: 100 } as const;
