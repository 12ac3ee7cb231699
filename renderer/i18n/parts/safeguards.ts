/** Words for the host's safeguards (secrets bound to their address, limits at the boundary); merged by ru.ts and en.ts. */
export const safeguardsRu = {
  'accounts.secretCleared': 'Адрес аккаунта изменился, и токен стёрт: он был введён для прежнего сервера. Введите токен ещё раз.',
  'accounts.originChangeWarning': 'Новый адрес ведёт на другой сервер: сохранённый токен туда не уйдёт и будет стёрт. Введите его ещё раз.',
  'reason.secret_origin_changed': 'Адрес аккаунта изменился, поэтому токен стёрт: введите его ещё раз в «Аккаунтах»',
  'reason.secret_origin_mismatch': 'Токен введён для другого адреса, чем тот, куда теперь смотрит аккаунт: введите его ещё раз',
} as const;

export const safeguardsEn: Record<keyof typeof safeguardsRu, string> = {
  'accounts.secretCleared':
    'The account’s address changed, so its token was cleared: it was entered for the previous server. Enter the token again.',
  'accounts.originChangeWarning':
    'The new address points to another server: the saved token will not go there and will be cleared. Enter it again.',
  'reason.secret_origin_changed': 'The account’s address changed, so its token was cleared: enter it again in Accounts',
  'reason.secret_origin_mismatch': 'The token was entered for another address than the one this account now points to: enter it again',
};
