import { createHost } from '../host.ts';
import { confSettings } from '../vault/conf-settings.ts';
import { keyedSecretBox } from '../vault/secret-box.ts';

/**
 * The process the upgrade's kill test kills: a real host on a data directory whose history an
 * older version wrote. It says when it answers a history page, each step of the conversion, and
 * DONE when none is left; started again after a SIGKILL, it goes on from the last batch committed.
 */
const dataDir = process.env.UPGRADE_DATA_DIR!;
const host = await createHost({
  dataDir,
  settings: confSettings(dataDir),
  secretBox: keyedSecretBox(Buffer.alloc(32, 3)),
  version: 'upgrade',
  sandbox: false,
  labelUpgradeSliceMs: Number(process.env.UPGRADE_SLICE_MS ?? 2),
});
// The window hears of progress four times a second; the test, which kills at a point, asks between every two slices.
let said = -1;
const ask = setInterval(() => {
  void Promise.resolve(host.handlers.history.upgrade(undefined)).then((p) => {
    if (p.done !== said && p.done < p.total) console.log(`PROGRESS ${(said = p.done)} ${p.total}`);
  });
}, 1);
host.on('historyUpgrade', (p) => {
  console.log(`PROGRESS ${p.done} ${p.total}`);
  if (p.done === p.total) {
    clearInterval(ask);
    console.log('DONE');
    void host.close().then(() => process.exit(0));
  }
});
const page = await host.handlers.history.list({ limit: 20 });
console.log(`USABLE ${page.items.length}`);
const upgrade = await host.handlers.history.upgrade(undefined);
if (upgrade.done === upgrade.total) {
  clearInterval(ask);
  console.log('DONE');
  await host.close();
}
