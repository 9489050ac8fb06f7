import { INestApplication, RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner, ModulesContainer, Reflector } from '@nestjs/core';
import { AUTH_METADATA, AuthMetadata } from 'src/common/decorators/auth.decorator';

export interface RouteInfo {
  controller: string;
  handler: string;
  method: string;
  path: string;
  /** The explicit decision on the handler or its controller; undefined means none was made. */
  auth?: AuthMetadata;
}

/** Every route handler of the running app, with its HTTP method, path and auth metadata. */
export function listRoutes(app: INestApplication): RouteInfo[] {
  const discovery = new DiscoveryService(app.get(ModulesContainer));
  const scanner = new MetadataScanner();
  const reflector = new Reflector();
  const routes: RouteInfo[] = [];
  for (const wrapper of discovery.getControllers()) {
    const instance = wrapper.instance as Record<string, unknown> | undefined;
    if (!instance || !wrapper.metatype) {
      continue;
    }
    const controllerPaths = [Reflect.getMetadata(PATH_METADATA, wrapper.metatype) as string | string[]].flat();
    const prototype = Object.getPrototypeOf(instance) as object;
    for (const name of scanner.getAllMethodNames(prototype)) {
      const handler = (prototype as Record<string, unknown>)[name] as object;
      const handlerPath = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
      if (handlerPath === undefined) {
        continue;
      }
      const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number];
      const auth = reflector.getAllAndOverride<AuthMetadata | undefined>(AUTH_METADATA, [
        handler as never,
        wrapper.metatype as never,
      ]);
      for (const base of controllerPaths) {
        for (const sub of [handlerPath].flat()) {
          const path = `/${[base, sub].filter((part) => part && part !== '/').join('/')}`.replace(/\/+/g, '/');
          routes.push({ controller: wrapper.metatype.name, handler: name, method, path, auth });
        }
      }
    }
  }
  return routes;
}
