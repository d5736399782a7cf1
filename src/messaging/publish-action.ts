import { Injectable } from '@nestjs/common';

import { ActionHandler } from '../nest/decorators';
import type { RunContext } from '../scheduler';
import { PUBLISH_ACTION, publishAction } from './publish-handler';

/** The `publish` action, found by the scheduler module through its decorator. */
@Injectable()
export class PublishAction {
  @ActionHandler(PUBLISH_ACTION)
  run(context: RunContext): void {
    publishAction(context);
  }
}
