import { Injectable } from '@nestjs/common';
import { AuthUser } from 'src/common/auth-user';
import { ConflictError, NotFoundError } from 'src/common/errors/hub-error';
import { CreateSshKeyDto, DeleteSshKeyResponseDto, SshKeyResponseDto, toSshKeyDto } from 'src/auth/ssh-keys.dto';
import { parseSshPublicKey } from 'src/auth/ssh-keys.parser';
import { SshKeyRepository } from 'src/auth/ssh-keys.repository';

const MAX_ROW_ID = 2_147_483_647;

export class SshKeyInUseError extends ConflictError {
  constructor() {
    super('This key is already in use');
  }
}

export class SshKeyNotFoundError extends NotFoundError {
  constructor(id: number) {
    super(`SSH key not found: ${id}`);
  }
}

/** The caller's own SSH keys; nobody sees or removes another user's keys. */
@Injectable()
export class SshKeysService {
  constructor(private readonly keys: SshKeyRepository) {}

  async listKeys(user: AuthUser): Promise<SshKeyResponseDto[]> {
    return (await this.keys.listForUser(user.id)).map(toSshKeyDto);
  }

  async getKey(user: AuthUser, id: number): Promise<SshKeyResponseDto> {
    const key = isRowId(id) ? await this.keys.findForUser(user.id, id) : null;
    if (!key) {
      throw new SshKeyNotFoundError(id);
    }
    return toSshKeyDto(key);
  }

  /** Validates and stores a key; a key already registered by anyone (same fingerprint) is refused with 409. */
  async addKey(user: AuthUser, dto: CreateSshKeyDto): Promise<SshKeyResponseDto> {
    const parsed = parseSshPublicKey(dto.key);
    if (await this.keys.findByFingerprint(parsed.fingerprint)) {
      throw new SshKeyInUseError();
    }
    const stored = await this.keys.insert({
      userId: user.id,
      keyType: parsed.type,
      publicKey: parsed.publicKey,
      fingerprint: parsed.fingerprint,
      title: dto.title,
    });
    if (!stored) {
      throw new SshKeyInUseError();
    }
    return toSshKeyDto(stored);
  }

  async deleteKey(user: AuthUser, id: number): Promise<DeleteSshKeyResponseDto> {
    if (!isRowId(id) || !(await this.keys.deleteForUser(user.id, id))) {
      throw new SshKeyNotFoundError(id);
    }
    return { success: true, message: 'SSH key deleted successfully' };
  }
}

/** Ids outside the integer column's range cannot exist; Postgres would reject them with an error. */
function isRowId(id: number): boolean {
  return Number.isSafeInteger(id) && id >= 1 && id <= MAX_ROW_ID;
}
