// RG.TRIGGERONKEY in a cluster: the trigger runs on the shard that owns the key (`args[0]`), as a
// Redis Cluster runs a command on the shard owning its key, wherever it was sent.
import calculateSlot from 'cluster-key-slot';
import { GearsError, type Engine, type TriggerOutcome } from '../engine/index.js';
import type { Place } from './membership.js';
import type { TriggerAnswer } from './messages.js';
import type { PeerRequests } from './requests.js';
import { describeShard, SlotMap } from './topology.js';

/** How long RG.TRIGGERONKEY waits for the shard owning the key to run the trigger. */
const TRIGGER_WAIT_MS = 5 * 60_000;

export async function triggerOnKey(
  engine: Pick<Engine, 'registrations'>,
  place: Pick<Place, 'topology' | 'myId'>,
  requests: Pick<PeerRequests, 'ask'>,
  name: string,
  args: readonly string[],
): Promise<TriggerOutcome> {
  const owner = place.topology && new SlotMap(place.topology.shards).owner(calculateSlot(args[0]));
  if (!owner || owner.id === place.myId) return engine.registrations.trigger(name, args);
  const answer = await requests.ask<TriggerAnswer>(owner, { kind: 'trigger', name, args }, TRIGGER_WAIT_MS);
  if (answer === null)
    throw new GearsError(
      `${describeShard(owner)}, which owns key ${args[0]}, did not answer RG.TRIGGERONKEY within ${TRIGGER_WAIT_MS} ms`,
    );
  if ('error' in answer) throw new GearsError(answer.error);
  return answer;
}
