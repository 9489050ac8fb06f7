import { createHash } from 'node:crypto';
import sharp, { Sharp } from 'sharp';
import request from 'supertest';
import { BlobStorage } from 'src/storage/blob-storage';
import {
  ACCOUNT_TEST_ENV,
  addMember,
  apiToken,
  bearer,
  createOrg,
  newAccounts,
  siteAdmin,
  TestAccount,
} from 'test/utils/accounts';
import { createTestHub, TestHub } from 'test/utils/test-hub';

/** A plain image; different `red` values make different avatars (the same colour makes the same JPEG). */
function picture(width: number, height: number, red = 20): Sharp {
  return sharp({ create: { width, height, channels: 3, background: { r: red, g: 120, b: 220 } } });
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** supertest hands binary bodies over as a Buffer only when asked to collect them. */
function binary(response: request.Response, callback: (error: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  response.on('data', (chunk: Buffer) => chunks.push(chunk));
  response.on('end', () => callback(null, Buffer.concat(chunks)));
}

describe('avatars of users and organizations', () => {
  let hub: TestHub;
  let alice: TestAccount;
  let bob: TestAccount;
  let carol: TestAccount;
  let admin: TestAccount;

  beforeAll(async () => {
    hub = await createTestHub({ env: ACCOUNT_TEST_ENV });
    [alice, bob, carol] = await newAccounts(hub, 'alice', 'bob', 'carol');
    admin = await siteAdmin(hub);
    await createOrg(hub, alice, 'acme');
    await addMember(hub, alice, 'acme', 'bob', 'write');
  });

  afterAll(async () => {
    await hub.close();
  });

  function upload(path: string, token: string, bytes: Buffer, filename = 'avatar.png', contentType = 'image/png') {
    return request(hub.url).post(path).set(bearer(token)).attach('file', bytes, { filename, contentType });
  }

  function download(path: string, headers: Record<string, string> = {}) {
    return request(hub.url).get(path).set(headers).buffer(true).parse(binary);
  }

  it('should turn a 2000×1000 PNG into a 1024×1024 JPEG and serve it with its ETag and cache headers', async () => {
    const png = await picture(2000, 1000).png().toBuffer();
    const uploaded = await upload('/api/users/alice/avatar', alice.token, png).expect(200);
    expect(uploaded.body).toEqual({
      success: true,
      message: 'Avatar uploaded successfully',
      size_bytes: expect.any(Number),
    });

    const served = await download('/api/users/alice/avatar').expect(200);
    const body = served.body as Buffer;
    expect(served.headers['content-type']).toBe('image/jpeg');
    expect(served.headers['cache-control']).toBe('public, max-age=300');
    expect(served.headers.etag).toBe(`"${sha256(body)}"`);
    expect(Number(served.headers['content-length'])).toBe(uploaded.body.size_bytes);
    expect(await sharp(body).metadata()).toMatchObject({ format: 'jpeg', width: 1024, height: 1024 });

    const head = await request(hub.url).head('/api/users/alice/avatar').expect(200);
    expect(head.headers).toMatchObject({
      etag: served.headers.etag,
      'content-length': served.headers['content-length'],
      'content-type': 'image/jpeg',
    });
  });

  it.each([
    ['JPEG', () => picture(300, 500).jpeg().toBuffer(), 'a.jpg', 'image/jpeg'],
    ['WebP', () => picture(640, 480).webp().toBuffer(), 'a.webp', 'image/webp'],
    ['GIF', () => picture(64, 64).gif().toBuffer(), 'a.gif', 'image/gif'],
    ['PNG declared as image/gif', () => picture(50, 80).png().toBuffer(), 'looks.gif', 'image/gif'],
    ['JPEG declared as octet-stream', () => picture(50, 80).jpeg().toBuffer(), 'blob', 'application/octet-stream'],
  ])('should accept a %s by its content and store a square JPEG', async (_label, make, filename, contentType) => {
    await upload('/api/users/bob/avatar', bob.token, await make(), filename, contentType).expect(200);
    const served = await download('/api/users/bob/avatar').expect(200);
    expect(await sharp(served.body as Buffer).metadata()).toMatchObject({ format: 'jpeg', width: 1024, height: 1024 });
  });

  it('should refuse a text file declared as image/png with 415 and the accepted formats', async () => {
    const response = await upload('/api/users/alice/avatar', alice.token, Buffer.from('not an image at all'), 'x.png');
    expect(response.status).toBe(415);
    expect(response.headers['x-error-code']).toBe('UnsupportedMediaType');
    expect(response.body.error).toContain('JPEG, PNG, WebP or GIF');
  });

  it('should refuse a file that starts like a PNG but does not decode', async () => {
    const png = await picture(100, 100).png().toBuffer();
    const response = await upload('/api/users/alice/avatar', alice.token, png.subarray(0, 60)).expect(400);
    expect(response.body.error).toMatch(/looks like a PNG image but could not be decoded/);
  });

  it('should refuse a file over 10 MB with 413 and a message naming the limit', async () => {
    const large = Buffer.alloc(10 * 1024 * 1024 + 1, 0);
    Buffer.from('\x89PNG\r\n\x1a\n', 'latin1').copy(large);
    const response = await upload('/api/users/alice/avatar', alice.token, large);
    expect(response.status).toBe(413);
    expect(response.headers['x-error-code']).toBe('PayloadTooLarge');
    expect(response.body.error).toBe('The image is larger than the 10 MB limit for avatars');
  });

  it('should refuse a request without the file field', async () => {
    const response = await request(hub.url)
      .post('/api/users/alice/avatar')
      .set(bearer(alice.token))
      .field('other', 'value')
      .expect(400);
    expect(response.body.error).toBe('Send the image as the "file" field of a multipart/form-data body');
    const wrongField = await request(hub.url)
      .post('/api/users/alice/avatar')
      .set(bearer(alice.token))
      .attach('image', Buffer.from('x'), 'x.png');
    expect(wrongField.status).toBe(400);
  });

  it('should answer 304 to a matching If-None-Match and 200 once the avatar changed', async () => {
    const first = await download('/api/users/alice/avatar').expect(200);
    const etag = first.headers.etag;
    const notModified = await request(hub.url).get('/api/users/alice/avatar').set('If-None-Match', etag).expect(304);
    expect(notModified.headers.etag).toBe(etag);
    expect(notModified.headers['cache-control']).toBe('public, max-age=300');
    expect(notModified.text ?? '').toBe('');
    await request(hub.url).get('/api/users/alice/avatar').set('If-None-Match', `W/${etag}, "other"`).expect(304);

    await upload(
      '/api/users/alice/avatar',
      alice.token,
      await picture(200, 200, 200).jpeg().toBuffer(),
      'b.jpg',
    ).expect(200);
    const changed = await download('/api/users/alice/avatar', { 'If-None-Match': etag }).expect(200);
    expect(changed.headers.etag).not.toBe(etag);
  });

  it('should delete the replaced blob unless another owner shows the same image', async () => {
    const storage = hub.app.get(BlobStorage);
    const image = await picture(120, 90, 90).png().toBuffer();
    await upload('/api/users/alice/avatar', alice.token, image).expect(200);
    await upload('/api/users/carol/avatar', carol.token, image).expect(200);
    const shared = (await download('/api/users/alice/avatar')).headers.etag.slice(1, -1);
    expect((await download('/api/users/carol/avatar')).headers.etag).toBe(`"${shared}"`);

    await upload('/api/users/alice/avatar', alice.token, await picture(10, 10, 160).gif().toBuffer(), 'c.gif').expect(
      200,
    );
    expect(await storage.head(`avatars/${shared}.jpg`)).not.toBeNull();
    await request(hub.url).delete('/api/users/carol/avatar').set(bearer(carol.token)).expect(200);
    expect(await storage.head(`avatars/${shared}.jpg`)).toBeNull();
  });

  it('should serve avatars to anyone, refuse bad credentials, and answer 404 without one', async () => {
    await download('/api/users/alice/avatar').expect(200);
    await request(hub.url).get('/api/users/alice/avatar').set(bearer('hf_not_a_real_token')).expect(401);
    const none = await request(hub.url).get('/api/users/carol/avatar').expect(404);
    expect(none.body.error).toBe('User carol has no avatar');
    await request(hub.url).get('/api/users/nobody/avatar').expect(404);
    await request(hub.url).get('/api/users/acme/avatar').expect(404);
    await request(hub.url).get('/api/organizations/alice/avatar').expect(404);
  });

  it('should let only the user themself or a site admin change a user avatar', async () => {
    const image = await picture(32, 32).png().toBuffer();
    await upload('/api/users/alice/avatar', bob.token, image).expect(403);
    await request(hub.url).delete('/api/users/alice/avatar').set(bearer(bob.token)).expect(403);
    await request(hub.url).post('/api/users/alice/avatar').attach('file', image, 'a.png').expect(401);
    await upload('/api/users/alice/avatar', await apiToken(hub, alice, 'read'), image).expect(403);
    await upload('/api/users/bob/avatar', admin.token, image).expect(200);
    await request(hub.url).delete('/api/users/bob/avatar').set(bearer(admin.token)).expect(200);
  });

  it('should delete a user avatar, after which it is gone', async () => {
    const deleted = await request(hub.url).delete('/api/users/alice/avatar').set(bearer(alice.token)).expect(200);
    expect(deleted.body).toEqual({ success: true, message: 'Avatar deleted successfully' });
    await request(hub.url).get('/api/users/alice/avatar').expect(404);
    await request(hub.url).delete('/api/users/alice/avatar').set(bearer(alice.token)).expect(404);
  });

  it('should let organization admins and site admins, not other members, change an organization avatar', async () => {
    const image = await picture(400, 300).webp().toBuffer();
    const member = await upload('/api/organizations/acme/avatar', bob.token, image, 'a.webp');
    expect(member.status).toBe(403);
    expect(member.body.error).toBe('Only admins of the organization acme can change its avatar');
    await upload('/api/organizations/acme/avatar', carol.token, image, 'a.webp').expect(403);
    await upload('/api/organizations/acme/avatar', alice.token, image, 'a.webp').expect(200);

    const served = await download('/api/organizations/acme/avatar').expect(200);
    expect(await sharp(served.body as Buffer).metadata()).toMatchObject({ width: 1024, height: 1024 });
    await request(hub.url).get('/api/organizations/acme/avatar').set('If-None-Match', served.headers.etag).expect(304);

    await request(hub.url).delete('/api/organizations/acme/avatar').set(bearer(bob.token)).expect(403);
    await upload('/api/organizations/acme/avatar', admin.token, await picture(8, 8).png().toBuffer()).expect(200);
    await request(hub.url).delete('/api/organizations/acme/avatar').set(bearer(admin.token)).expect(200);
    const gone = await request(hub.url).get('/api/organizations/acme/avatar').expect(404);
    expect(gone.body.error).toBe('Organization acme has no avatar');
    await upload('/api/organizations/nope/avatar', admin.token, image).expect(404);
  });
});
