import { Injectable, Module, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';

import { AppConfig } from '../app/config/app-config';
import { Scheduler, ValidationError } from '../scheduler';
import { AddressPolicy, hostOfUrl, isIpLiteral } from './address-policy';
import { ForbiddenAddressError } from './errors';
import { createHttpTargetHandler, HTTP_ACTION } from './http-target-handler';
import { type HttpTargetArgs, parseHttpTargetArgs } from './http-target-args';

/** Registers the `http` action (or, without a signing secret, refuses jobs that name it). */
@Injectable()
class HttpTargetRegistrar implements OnModuleInit, OnApplicationShutdown {
  private close?: () => Promise<void>;

  constructor(
    private readonly scheduler: Scheduler,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    const secret = this.config.httpTarget.signingSecret;
    if (!secret) {
      this.scheduler.registerHandler(HTTP_ACTION, () => Promise.reject(disabled()), {
        validateArgs: () => {
          throw disabled();
        },
      });
      return;
    }
    const policy = new AddressPolicy(this.config.httpTarget.allowedHosts);
    const target = createHttpTargetHandler({
      signingSecret: secret,
      policy,
      defaultTimeoutSeconds: this.config.httpTarget.timeoutSeconds,
    });
    this.close = target.close;
    this.scheduler.registerHandler(HTTP_ACTION, target.handler, {
      validateArgs: (args) => checkAtCreation(policy, parseHttpTargetArgs(args)),
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.close?.();
  }
}

/** An internal IP literal is refused when the job is made; names are checked when they are resolved. */
function checkAtCreation(policy: AddressPolicy, args: HttpTargetArgs): void {
  const host = hostOfUrl(new URL(args.url));
  if (!isIpLiteral(host)) return;
  try {
    policy.check(host, host);
  } catch (error) {
    if (error instanceof ForbiddenAddressError) throw new ValidationError('args.url', error.message);
    throw error;
  }
}

function disabled(): ValidationError {
  return new ValidationError(
    'handler',
    "'http' targets are off: set HTTP_TARGET_SIGNING_SECRET to enable them",
  );
}

@Module({ providers: [HttpTargetRegistrar] })
export class HttpTargetModule {}
