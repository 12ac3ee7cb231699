/** Diadoc's read side: a document's docflow in the conversation, and what the look at a lost send can say; merged by ru.ts and en.ts. */
export const diadocReadRu = {
  'conversation.docflow': 'Документооборот: {status}',
  'conversation.docflow.info': 'в работе',
  'conversation.docflow.success': 'завершено',
  'conversation.docflow.warning': 'ждёт действия',
  'conversation.docflow.error': 'с ошибкой',
  'settlement.cannot_tell.diadoc':
    'Диадок: у отправки не записан operationId, поэтому её нельзя ни повторить безопасно, ни найти по нему. Решите сами — отметьте отправленной или проверьте в Диадоке.',
} as const;

export const diadocReadEn: Record<keyof typeof diadocReadRu, string> = {
  'conversation.docflow': 'Docflow: {status}',
  'conversation.docflow.info': 'in progress',
  'conversation.docflow.success': 'done',
  'conversation.docflow.warning': 'awaiting action',
  'conversation.docflow.error': 'failed',
  'settlement.cannot_tell.diadoc':
    'Diadoc: this send has no operationId on record, so it can neither be repeated safely nor looked up by it. You decide — mark it sent or check in Diadoc.',
};
