import type { Viewer } from '../core/viewer';
import type { WebhookService } from './webhook.service';

/** What webhooks need of the request context (built in server/). */
export interface WebhooksContext {
  viewer: Viewer;
  services: { webhooks: WebhookService };
}
