import bcrypt from 'bcrypt';
import { PasswordHasher, passwordProblem } from 'src/auth/password-hasher';
import { HubConfig } from 'src/config/hub-config';

describe(passwordProblem.name, () => {
  it('should accept 8 characters to 72 bytes', () => {
    expect(passwordProblem('12345678')).toBeNull();
    expect(passwordProblem('x'.repeat(72))).toBeNull();
    expect(passwordProblem('1234567')).toBe('must be at least 8 characters long');
    expect(passwordProblem('é'.repeat(37))).toBe('must be at most 72 bytes long (UTF-8)');
  });
});

describe(PasswordHasher.name, () => {
  let sut: PasswordHasher;

  beforeEach(() => {
    sut = new PasswordHasher({ auth: { bcryptCost: 4 } } as HubConfig);
  });

  it('should hash with the configured cost and verify the password', async () => {
    const hash = await sut.hash('a good password');
    expect(bcrypt.getRounds(hash)).toBe(4);
    await expect(sut.verify('a good password', hash)).resolves.toBe(true);
    await expect(sut.verify('a bad password', hash)).resolves.toBe(false);
  });

  it('should refuse weak passwords naming the field', async () => {
    await expect(sut.hash('short', 'New password')).rejects.toMatchObject({
      status: 400,
      message: 'New password must be at least 8 characters long',
    });
  });

  it('should still run one bcrypt comparison when there is no hash to compare with', async () => {
    const compare = jest.spyOn(bcrypt, 'compare');
    await expect(sut.verify('anything at all', null)).resolves.toBe(false);
    expect(compare).toHaveBeenCalledTimes(1);
    expect(compare.mock.calls[0][1]).toMatch(/^\$2[aby]\$04\$/);
    compare.mockRestore();
  });
});
