/* Payloads of the jobs the hub enqueues, validated where they enter a task. */
import { z } from "zod";

/** push_order, added by the insert trigger and the sweep: sincro_private.enqueue_push_order. */
export const pushOrderPayload = z.object({ azi: z.string().min(1), id_pub: z.number().int().positive() });

/** partial_sync, added by sincro.partial_sync(azi). */
export const partialSyncPayload = z.object({ azi: z.string().min(1), run_id: z.number().int().positive() });

/** sync_pull, added by sincro.sync_request(azi, kind): a sync for changes or a total rebuild, queued from the console. */
export const syncPullPayload = z.object({ azi: z.string().min(1), run_id: z.number().int().positive(), kind: z.enum(["changes", "rebuild"]) });
