import { Logger } from '@nestjs/common';
import { DownloadEvents, RepoDownloadedEvent } from 'src/download/download-events';

const EVENT: RepoDownloadedEvent = {
  repoId: 7,
  repoType: 'model',
  repoFullId: 'alice/weights',
  revision: 'main',
  commitSha: 'a'.repeat(40),
  path: 'model.safetensors',
  size: 1024,
  isLfs: true,
  range: null,
  delivery: 'redirect',
  userId: 3,
  clientIp: '127.0.0.1',
  userAgent: 'huggingface_hub/2.0.0',
  at: new Date('2026-01-01T00:00:00Z'),
};

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

describe(DownloadEvents.name, () => {
  let sut: DownloadEvents;

  beforeEach(() => {
    sut = new DownloadEvents();
  });

  it('should deliver a published event to every listener, after publish has returned', async () => {
    const received: RepoDownloadedEvent[][] = [[], []];
    sut.subscribe((event) => {
      received[0].push(event);
    });
    sut.subscribe((event) => {
      received[1].push(event);
    });
    sut.publish(EVENT);
    expect(received).toEqual([[], []]);
    await nextTurn();
    await nextTurn();
    expect(received).toEqual([[EVENT], [EVENT]]);
  });

  it('should log a listener that throws or rejects, keep delivering to the others, and stop after unsubscribe', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const received: string[] = [];
    sut.subscribe(() => {
      throw new Error('broken listener');
    });
    sut.subscribe(() => Promise.reject(new Error('broken async listener')));
    const unsubscribe = sut.subscribe((event) => {
      received.push(event.path);
    });
    expect(() => sut.publish(EVENT)).not.toThrow();
    await nextTurn();
    await nextTurn();
    unsubscribe();
    sut.publish({ ...EVENT, path: 'later.bin' });
    await nextTurn();
    await nextTurn();
    expect(received).toEqual(['model.safetensors']);
    expect(warn.mock.calls.map(([message]) => message)).toEqual([
      'A download listener failed: Error: broken listener',
      'A download listener failed: Error: broken async listener',
      'A download listener failed: Error: broken listener',
      'A download listener failed: Error: broken async listener',
    ]);
    warn.mockRestore();
  });
});
