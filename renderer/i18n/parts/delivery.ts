/** Why a send failed or may have arrived, in the words of the one failure vocabulary all four providers share. */
export const deliveryRu = {
  'reason.dns_failed': 'Адрес провайдера не найден (DNS) на этом компьютере; ничего не отправлено',
  'reason.tls_failed': 'Этот компьютер не доверяет сертификату провайдера (TLS); ничего не отправлено',
  'reason.token_unsendable':
    'В токене есть пробел, перевод строки или не латинская буква — такой заголовок не отправить; ничего не отправлено',
  'reason.bad_header_value': 'В заголовке запроса есть символ, который HTTP не передаёт; ничего не отправлено',
  'reason.server_error': 'Провайдер ответил ошибкой сервера; сообщение могло всё же дойти — проверьте перед повторной отправкой',
  'reason.rate_limit_cap':
    'Провайдер раз за разом просил снизить темп; отправка остановлена, чтобы токен не заблокировали. Ничего не отправлено',
  'reason.api_url_required': 'Укажите apiUrl инстанса из консоли Green-API: у каждого инстанса свой адрес',
} as const;

export const deliveryEn: Record<keyof typeof deliveryRu, string> = {
  'reason.dns_failed': 'The provider’s address could not be resolved (DNS) on this computer; nothing was sent',
  'reason.tls_failed': 'This computer does not trust the provider’s certificate (TLS); nothing was sent',
  'reason.token_unsendable': 'The token holds a space, a line break or a non-Latin letter, which a header cannot carry; nothing was sent',
  'reason.bad_header_value': 'A request header holds a character HTTP cannot carry; nothing was sent',
  'reason.server_error':
    'The provider answered with a server error; the message may have arrived all the same — check before sending again',
  'reason.rate_limit_cap': 'The provider kept asking to slow down; the send stopped so the token is not blocked. Nothing was sent',
  'reason.api_url_required': 'Enter the instance’s apiUrl from the Green-API console: every instance has its own address',
};
