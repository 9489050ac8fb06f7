import { Body, Controller, Get, HttpCode, Param, ParseIntPipe, Post, Put, Req, Res, UseFilters } from '@nestjs/common';
import { ApiConsumes, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Request, Response } from 'express';
import { pipeline } from 'node:stream/promises';
import { Public } from 'src/common/decorators/auth.decorator';
import { LFS_MEDIA_TYPE, LfsCompleteMultipartDto, LfsVerifyRequestDto } from 'src/lfs/lfs.dto';
import { LfsExceptionFilter } from 'src/lfs/lfs-exception.filter';
import { LfsTransferService } from 'src/lfs/lfs-transfer.service';
import {
  LFS_COMPLETE_ROUTE,
  LFS_DOWNLOAD_ROUTE,
  LFS_PART_ROUTE,
  LFS_UPLOAD_ROUTE,
  LFS_VERIFY_ROUTE,
} from 'src/lfs/lfs-urls';

function incomingBody(request: Request) {
  return { stream: request, headers: request.headers, isConsumed: request.readableEnded };
}

/**
 * The self-authenticating transfer URLs of the fs store (S3 presigns its own). They are ✗ routes
 * because clients call them without credentials (hf-protocol §0.11): the signed query is the
 * credential, and the service checks it before anything else.
 */
@ApiTags('lfs')
@Controller()
export class LfsTransferController {
  constructor(private readonly transfers: LfsTransferService) {}

  @Put(LFS_UPLOAD_ROUTE)
  @HttpCode(200)
  @Public()
  @ApiConsumes('application/octet-stream')
  uploadLfsObject(@Param('uploadId') uploadId: string, @Req() request: Request): Promise<void> {
    return this.transfers.receiveUpload(uploadId, request, incomingBody(request));
  }

  /** Answers with the part's `ETag`, which the client echoes in the completion (hf-protocol §0.12). */
  @Put(LFS_PART_ROUTE)
  @HttpCode(200)
  @Public()
  @ApiConsumes('application/octet-stream')
  @ApiOkResponse({ headers: { ETag: { description: 'The part checksum to send back in the completion' } } })
  async uploadLfsPart(
    @Param('uploadId') uploadId: string,
    @Param('partNumber', ParseIntPipe) partNumber: number,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<void> {
    response.setHeader('ETag', await this.transfers.receivePart(uploadId, partNumber, request, incomingBody(request)));
  }

  @Post(LFS_COMPLETE_ROUTE)
  @HttpCode(200)
  @Public()
  completeLfsMultipart(
    @Param('uploadId') uploadId: string,
    @Req() request: Request,
    @Body() body: LfsCompleteMultipartDto,
  ): Promise<void> {
    return this.transfers.completeMultipart(uploadId, request, body);
  }

  /** The verify action handed out with each upload (200 once the object is stored and verified). */
  @Post(LFS_VERIFY_ROUTE)
  @HttpCode(200)
  @Public()
  @UseFilters(LfsExceptionFilter)
  @ApiConsumes(LFS_MEDIA_TYPE)
  verifyLfsUpload(@Req() request: Request, @Body() body: LfsVerifyRequestDto): Promise<void> {
    return this.transfers.verifyUpload(request, body);
  }

  /** Express also routes HEAD here; it gets the same headers without the body. */
  @Get(LFS_DOWNLOAD_ROUTE)
  @Public()
  @ApiProduces('application/octet-stream')
  async downloadLfsObject(
    @Param('oid') oid: string,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const answer = await this.transfers.openDownload(oid, request, request.headers.range, request.method === 'HEAD');
    response.status(answer.status).set(answer.headers);
    if (answer.body === undefined) {
      response.end();
      return;
    }
    // A client that hangs up mid-download is not an error of ours; the pipeline closes the blob stream.
    await pipeline(answer.body, response).catch(() => undefined);
  }
}
