export interface ProxyChallenge {
  isProxy: boolean;
  host: string;
  port: number;
  realm: string;
  scheme: string;
}

export type LoginCallback = (username?: string, password?: string) => void;
export type ProxyAnswer = { username: string; password: string } | { cancel: true };

/**
 * A proxy that wants a sign-in (Electron's `login` event) asks the operator once per challenge:
 * requests that meet the same proxy while the question is open wait for the same answer. The
 * password lives only in Chromium's auth cache for this run; nothing is written anywhere.
 */
export class ProxyLogin {
  private readonly waiting: LoginCallback[] = [];
  private readonly ask: (challenge: Omit<ProxyChallenge, 'isProxy'>) => boolean;

  /** `ask` shows the question and says whether anyone can answer it (no window: the request is refused). */
  constructor(ask: (challenge: Omit<ProxyChallenge, 'isProxy'>) => boolean) {
    this.ask = ask;
  }

  challenge(info: ProxyChallenge, callback: LoginCallback): void {
    // A provider's own HTTP auth is not ours to answer: providers take tokens in headers.
    if (!info.isProxy) return callback();
    this.waiting.push(callback);
    if (this.waiting.length > 1) return;
    if (!this.ask({ host: info.host, port: info.port, realm: info.realm, scheme: info.scheme })) this.answer({ cancel: true });
  }

  answer(answer: ProxyAnswer): void {
    for (const callback of this.waiting.splice(0)) {
      if ('cancel' in answer) callback();
      else callback(answer.username, answer.password);
    }
  }
}
