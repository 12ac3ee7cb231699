import type postgres from 'postgres';
import { previewOfText } from '../../shared/preview-text.ts';

/**
 * Team rows written before previews were data hold only text: English from the first team-mode
 * desktops ("3 documents: Акт · Счёт"), language-free after that ("📄 × 3: Акт · Счёт"). Each is read
 * back with the parser the desktop's history migration uses, once, at start-up, in batches (a big
 * team's history must not hold one long transaction). Idempotent: only rows still without data are read.
 */
export async function fillPreviewData(sql: postgres.Sql, batch = 1000): Promise<number> {
  let filled = 0;
  for (;;) {
    const rows = await sql<{ id: string; provider: string; preview: string }[]>`
      select id, provider, preview from team_send where preview_data is null order by id limit ${batch}`;
    if (!rows.length) return filled;
    await sql.begin(async (tx) => {
      for (const r of rows)
        await tx`update team_send set preview_data = ${tx.json(previewOfText(r.provider, r.preview, 'team row'))}
          where id = ${r.id} and preview_data is null`;
    });
    filled += rows.length;
  }
}
