import { useT } from '../i18n/index.ts';

// Replaced by the full composer (issue 6); until then the rail says plainly it is not here yet.
export function DiadocComposer() {
  const { t } = useT();
  return <section className="composer empty"><p>{t('composer.noAccount')}</p></section>;
}
