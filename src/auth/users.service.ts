import { Injectable } from '@nestjs/common';
import { BadRequestError, ConflictError, NotFoundError } from 'src/common/errors/hub-error';
import { namespaceNameProblem } from 'src/auth/names';
import { UserEntity } from 'src/auth/user.entity';
import { UserRepository } from 'src/auth/user.repository';

/** What other modules may know about a user or organisation. */
export interface NamespaceOwner {
  id: number;
  name: string;
  isOrg: boolean;
  fullName: string | null;
  email: string | null;
  avatarHash: string | null;
  isAdmin: boolean;
  createdAt: Date;
}

export function toNamespaceOwner(entity: UserEntity): NamespaceOwner {
  return {
    id: entity.id,
    name: entity.username,
    isOrg: entity.isOrg,
    fullName: entity.fullName,
    email: entity.email,
    avatarHash: entity.avatarHash,
    isAdmin: entity.isAdmin,
    createdAt: entity.createdAt,
  };
}

/** The namespace registry (users and organisations) that other modules call. */
@Injectable()
export class UsersService {
  constructor(private readonly users: UserRepository) {}

  async findByName(name: string): Promise<NamespaceOwner | null> {
    const entity = await this.users.findByName(name);
    return entity && entity.isActive ? toNamespaceOwner(entity) : null;
  }

  async findById(id: number): Promise<NamespaceOwner | null> {
    const entity = await this.users.findById(id);
    return entity && entity.isActive ? toNamespaceOwner(entity) : null;
  }

  async findManyById(ids: number[]): Promise<NamespaceOwner[]> {
    return (await this.users.findByIds(ids)).filter((entity) => entity.isActive).map(toNamespaceOwner);
  }

  async getUserByName(name: string): Promise<NamespaceOwner> {
    const owner = await this.findByName(name);
    if (!owner || owner.isOrg) {
      throw new NotFoundError(`User not found: ${name}`);
    }
    return owner;
  }

  async getOrganisationByName(name: string): Promise<NamespaceOwner> {
    const owner = await this.findByName(name);
    if (!owner || !owner.isOrg) {
      throw new NotFoundError(`Organization not found: ${name}`);
    }
    return owner;
  }

  /** Throws a readable 400 for an invalid name and 409 when the name (after normalisation) is taken. */
  async assertNameAvailable(name: string): Promise<void> {
    const problem = namespaceNameProblem(name);
    if (problem) {
      throw new BadRequestError(`Name "${name}" ${problem}`);
    }
    const existing = await this.users.findByName(name);
    if (existing) {
      throw new ConflictError(`Name "${name}" is already taken by ${existing.isOrg ? 'an organization' : 'a user'}`);
    }
  }

  async createOrganisation(name: string, fields: { fullName?: string; email?: string }): Promise<NamespaceOwner> {
    await this.assertNameAvailable(name);
    const entity = await this.users.insert({
      username: name,
      isOrg: true,
      fullName: fields.fullName ?? null,
      email: fields.email ?? null,
    });
    return toNamespaceOwner(entity);
  }

  async updateProfile(
    id: number,
    fields: Partial<Pick<UserEntity, 'fullName' | 'bio' | 'website' | 'email' | 'avatarHash'>>,
  ): Promise<void> {
    await this.users.update(id, fields);
  }
}
