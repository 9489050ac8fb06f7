import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Req } from '@nestjs/common';
import { ApiConflictResponse, ApiForbiddenResponse, ApiNotFoundResponse, ApiTags } from '@nestjs/swagger';
import { Request } from 'express';
import { publicBaseUrl } from 'src/auth/public-url';
import { AuthUser } from 'src/common/auth-user';
import { Auth, OptionalAuth, Public } from 'src/common/decorators/auth.decorator';
import { CurrentUser } from 'src/common/decorators/current-user.decorator';
import { HubConfig } from 'src/config/hub-config';
import {
  AddMemberDto,
  CreateOrganizationDto,
  CreateOrganizationResponseDto,
  MemberChangeResponseDto,
  MemberListResponseDto,
  OrganizationResponseDto,
  UpdateMemberRoleDto,
  UpdateOrganizationSettingsDto,
  UserOrganizationListResponseDto,
} from 'src/org/org.dto';
import { OrgService } from 'src/org/org.service';

@ApiTags('organizations')
@Controller()
export class OrgController {
  constructor(
    private readonly orgService: OrgService,
    private readonly config: HubConfig,
  ) {}

  /** The caller becomes the organisation's first admin. */
  @Post('org/create')
  @HttpCode(200)
  @Auth({ scope: 'write' })
  @ApiConflictResponse({ description: 'The name is taken by a user or organisation' })
  createOrganization(
    @CurrentUser() user: AuthUser,
    @Body() dto: CreateOrganizationDto,
  ): Promise<CreateOrganizationResponseDto> {
    return this.orgService.createOrganisation(user, dto);
  }

  @Get('org/users/:username/orgs')
  @Public()
  @ApiNotFoundResponse({ description: 'No such user' })
  listUserOrganizations(@Param('username') username: string): Promise<UserOrganizationListResponseDto> {
    return this.orgService.listOrganisationsOf(username);
  }

  @Get('org/:org_name')
  @Public()
  @ApiNotFoundResponse({ description: 'No such organisation' })
  getOrganization(@Param('org_name') orgName: string, @Req() request: Request): Promise<OrganizationResponseDto> {
    return this.orgService.getOrganisation(orgName, publicBaseUrl(request, this.config));
  }

  @Get('org/:org_name/members')
  @OptionalAuth()
  @ApiNotFoundResponse({ description: 'No such organisation' })
  listOrganizationMembers(@Param('org_name') orgName: string): Promise<MemberListResponseDto> {
    return this.orgService.listMembers(orgName);
  }

  /** Org admins (or site administrators) only. */
  @Post('org/:org_name/members')
  @HttpCode(200)
  @Auth({ scope: 'write' })
  @ApiForbiddenResponse({ description: 'The caller is not an admin of the organisation' })
  @ApiConflictResponse({ description: 'The user is already a member' })
  addOrganizationMember(
    @CurrentUser() user: AuthUser,
    @Param('org_name') orgName: string,
    @Body() dto: AddMemberDto,
  ): Promise<MemberChangeResponseDto> {
    return this.orgService.addMember(user, orgName, dto);
  }

  /** Org admins remove anyone; members may remove themselves. The last admin cannot be removed. */
  @Delete('org/:org_name/members/:username')
  @Auth({ scope: 'write' })
  @ApiForbiddenResponse({ description: 'The caller is not an admin of the organisation' })
  @ApiConflictResponse({ description: 'The member is the last admin' })
  removeOrganizationMember(
    @CurrentUser() user: AuthUser,
    @Param('org_name') orgName: string,
    @Param('username') username: string,
  ): Promise<MemberChangeResponseDto> {
    return this.orgService.removeMember(user, orgName, username);
  }

  /** Org admins only. The last admin cannot be demoted. */
  @Put('org/:org_name/members/:username')
  @Auth({ scope: 'write' })
  @ApiForbiddenResponse({ description: 'The caller is not an admin of the organisation' })
  @ApiConflictResponse({ description: 'The member is the last admin' })
  updateOrganizationMemberRole(
    @CurrentUser() user: AuthUser,
    @Param('org_name') orgName: string,
    @Param('username') username: string,
    @Body() dto: UpdateMemberRoleDto,
  ): Promise<MemberChangeResponseDto> {
    return this.orgService.changeRole(user, orgName, username, dto);
  }

  /** Org admins only. */
  @Put('api/organizations/:org_name/settings')
  @Auth({ scope: 'write' })
  @ApiForbiddenResponse({ description: 'The caller is not an admin of the organisation' })
  updateOrganizationSettings(
    @CurrentUser() user: AuthUser,
    @Param('org_name') orgName: string,
    @Body() dto: UpdateOrganizationSettingsDto,
  ): Promise<MemberChangeResponseDto> {
    return this.orgService.updateSettings(user, orgName, dto);
  }
}
