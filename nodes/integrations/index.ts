/** The integration node types (Segment, Braze, email, push), for the registry. */
import type { NodeType } from '../sdk';
import { brazeCampaignsTrigger, brazeUsersTrack } from './braze';
import emailSend from './email-send';
import pushSend from './push-send';
import segmentEvent from './segment-event';

export const integrationNodeTypes: NodeType[] = [segmentEvent, brazeUsersTrack, brazeCampaignsTrigger, emailSend, pushSend] as NodeType[];
