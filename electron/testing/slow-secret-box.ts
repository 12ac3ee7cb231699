import { keyedSecretBox, type SecretBox } from '../vault/secret-box.ts';

/**
 * A secret box whose decryptions can be held open, like an OS keychain waiting on the user: a test
 * holds them, does something while a send waits for its token, then lets them go, in any order.
 */
export class SlowSecretBox implements SecretBox {
  readonly kind = 'test' as const;
  private readonly inner = keyedSecretBox(Buffer.alloc(32, 9));
  private holding = false;
  private readonly waiting: (() => void)[] = [];
  private readonly arrivals: (() => void)[] = [];

  /** How many decryptions are waiting. */
  get held(): number {
    return this.waiting.length;
  }

  encrypt(plain: string): Promise<string> {
    return this.inner.encrypt(plain);
  }

  async decrypt(cipher: string): Promise<string> {
    if (this.holding) {
      const gate = new Promise<void>((r) => this.waiting.push(r));
      for (const a of this.arrivals.splice(0)) a();
      await gate;
    }
    return this.inner.decrypt(cipher);
  }

  /** Every decryption from now on waits until released. */
  hold(): void {
    this.holding = true;
  }

  /** Resolves once `count` decryptions are waiting. */
  async reached(count = 1): Promise<void> {
    while (this.waiting.length < count) await new Promise<void>((r) => this.arrivals.push(r));
  }

  /** Lets the decryption that arrived last go on, the others still waiting. */
  releaseNewest(): void {
    this.waiting.pop()?.();
  }

  /** Lets every waiting decryption go on, and stops holding. */
  release(): void {
    this.holding = false;
    for (const w of this.waiting.splice(0)) w();
  }
}
