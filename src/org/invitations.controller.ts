import { Body, Controller, Delete, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiGoneResponse,
  ApiNotFoundResponse,
  ApiTags,
} from '@nestjs/swagger';
import { Request } from 'express';
import { publicBaseUrl } from 'src/auth/public-url';
import { AuthUser } from 'src/common/auth-user';
import { Auth, Public } from 'src/common/decorators/auth.decorator';
import { CurrentUser } from 'src/common/decorators/current-user.decorator';
import { HubConfig } from 'src/config/hub-config';
import {
  AcceptInvitationResponseDto,
  CancelInvitationResponseDto,
  CreateOrgInvitationDto,
  CreateRegistrationInvitationDto,
  InvitationCreatedResponseDto,
  InvitationDetailsResponseDto,
  InvitationListResponseDto,
} from 'src/org/invitations.dto';
import { InvitationsService } from 'src/org/invitations.service';

@ApiTags('invitations')
@Controller('api/invitations')
export class InvitationsController {
  constructor(
    private readonly invitationsService: InvitationsService,
    private readonly config: HubConfig,
  ) {}

  /** Org admins only. The token is in this response and nowhere else. */
  @Post('org/:org_name/create')
  @HttpCode(200)
  @Auth({ scope: 'write' })
  @ApiForbiddenResponse({ description: 'The caller is not an admin of the organisation' })
  createOrgInvitation(
    @CurrentUser() user: AuthUser,
    @Param('org_name') orgName: string,
    @Body() dto: CreateOrgInvitationDto,
    @Req() request: Request,
  ): Promise<InvitationCreatedResponseDto> {
    return this.invitationsService.createForOrganisation(user, orgName, dto, publicBaseUrl(request, this.config));
  }

  /** Site administrators: an invitation to create an account (KOHAKU_HUB_REGISTRATION=invitation). */
  @Post('register/create')
  @HttpCode(200)
  @Auth({ scope: 'admin' })
  createRegistrationInvitation(
    @CurrentUser() user: AuthUser,
    @Body() dto: CreateRegistrationInvitationDto,
    @Req() request: Request,
  ): Promise<InvitationCreatedResponseDto> {
    return this.invitationsService.createForRegistration(user, dto, publicBaseUrl(request, this.config));
  }

  /** Org admins only; tokens are shown as a prefix. */
  @Get('org/:org_name/list')
  @Auth()
  @ApiForbiddenResponse({ description: 'The caller is not an admin of the organisation' })
  listOrgInvitations(
    @CurrentUser() user: AuthUser,
    @Param('org_name') orgName: string,
  ): Promise<InvitationListResponseDto> {
    return this.invitationsService.listForOrganisation(user, orgName);
  }

  @Get(':token')
  @Public()
  @ApiNotFoundResponse({ description: 'No invitation has this token' })
  getInvitation(@Param('token') token: string): Promise<InvitationDetailsResponseDto> {
    return this.invitationsService.inspect(token);
  }

  @Post(':token/accept')
  @HttpCode(200)
  @Auth({ scope: 'write' })
  @ApiForbiddenResponse({ description: 'The invitation is bound to another email address' })
  @ApiConflictResponse({ description: 'The caller is already a member' })
  @ApiGoneResponse({ description: 'Expired, used up or cancelled' })
  acceptInvitation(@CurrentUser() user: AuthUser, @Param('token') token: string): Promise<AcceptInvitationResponseDto> {
    return this.invitationsService.accept(user, token);
  }

  /** By token, or by the `id` the list shows. Org admins for org invitations, site administrators for the rest. */
  @Delete(':token')
  @Auth({ scope: 'write' })
  @ApiNotFoundResponse({ description: 'No invitation has this token or id' })
  cancelInvitation(@CurrentUser() user: AuthUser, @Param('token') token: string): Promise<CancelInvitationResponseDto> {
    return this.invitationsService.cancel(user, token);
  }
}
