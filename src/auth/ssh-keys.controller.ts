import { Body, Controller, Delete, Get, Param, ParseIntPipe, Post } from '@nestjs/common';
import { ApiConflictResponse, ApiNotFoundResponse, ApiTags } from '@nestjs/swagger';
import { AuthUser } from 'src/common/auth-user';
import { Auth } from 'src/common/decorators/auth.decorator';
import { CurrentUser } from 'src/common/decorators/current-user.decorator';
import { BadRequestError } from 'src/common/errors/hub-error';
import { CreateSshKeyDto, DeleteSshKeyResponseDto, SshKeyResponseDto } from 'src/auth/ssh-keys.dto';
import { SshKeysService } from 'src/auth/ssh-keys.service';

const keyIdPipe = new ParseIntPipe({ exceptionFactory: () => new BadRequestError('key_id must be an integer') });

@ApiTags('ssh-keys')
@Controller('api/user/keys')
export class SshKeysController {
  constructor(private readonly sshKeysService: SshKeysService) {}

  @Get()
  @Auth()
  listSshKeys(@CurrentUser() user: AuthUser): Promise<SshKeyResponseDto[]> {
    return this.sshKeysService.listKeys(user);
  }

  @Post()
  @Auth({ scope: 'write' })
  @ApiConflictResponse({ description: 'The key is already registered (by this or another account)' })
  addSshKey(@CurrentUser() user: AuthUser, @Body() dto: CreateSshKeyDto): Promise<SshKeyResponseDto> {
    return this.sshKeysService.addKey(user, dto);
  }

  @Get(':key_id')
  @Auth()
  @ApiNotFoundResponse({ description: 'No key with this id belongs to the caller' })
  getSshKey(@CurrentUser() user: AuthUser, @Param('key_id', keyIdPipe) id: number): Promise<SshKeyResponseDto> {
    return this.sshKeysService.getKey(user, id);
  }

  @Delete(':key_id')
  @Auth({ scope: 'write' })
  @ApiNotFoundResponse({ description: 'No key with this id belongs to the caller' })
  deleteSshKey(
    @CurrentUser() user: AuthUser,
    @Param('key_id', keyIdPipe) id: number,
  ): Promise<DeleteSshKeyResponseDto> {
    return this.sshKeysService.deleteKey(user, id);
  }
}
