import { Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';

import { AppConfig } from '../app/config/app-config';
import { ActionHandler } from '../nest/decorators';
import {
  type ActionHandler as ActionHandlerFn,
  type JsonValue,
  type RunContext,
  ValidationError,
} from '../scheduler';
import { AddressPolicy, hostOfUrl, isIpLiteral } from './address-policy';
import { ForbiddenAddressError } from './errors';
import { createHttpTargetHandler, HTTP_ACTION } from './http-target-handler';
import { type HttpTargetArgs, parseHttpTargetArgs } from './http-target-args';

/**
 * The `http` action, found by the scheduler module through its decorator; without a signing
 * secret it refuses jobs that name it (and runs of any stored one fail).
 */
@Injectable()
class HttpTargetAction implements OnApplicationShutdown {
  private readonly target: { handler: ActionHandlerFn; close: () => Promise<void> } | null = null;
  private readonly policy: AddressPolicy;

  constructor(config: AppConfig) {
    this.policy = new AddressPolicy(config.httpTarget.allowedHosts);
    const secret = config.httpTarget.signingSecret;
    if (secret)
      this.target = createHttpTargetHandler({
        signingSecret: secret,
        policy: this.policy,
        defaultTimeoutSeconds: config.httpTarget.timeoutSeconds,
      });
  }

  @ActionHandler(HTTP_ACTION, { validateArgs: 'checkArgs' })
  run(context: RunContext): Promise<void> | void {
    if (!this.target) return Promise.reject(disabled());
    return this.target.handler(context);
  }

  checkArgs(args: JsonValue | undefined): void {
    if (!this.target) throw disabled();
    checkAtCreation(this.policy, parseHttpTargetArgs(args));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.target?.close();
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

@Module({ providers: [HttpTargetAction] })
export class HttpTargetModule {}
