/*
 * The phase of a sync run (sincro.sync_runs.phase and its item / step / steps,
 * written through sincro.sync_run_phase by whoever works on the run), as one
 * line for people: the console's sync view and `sincro status`.
 */
import type { Queryable } from "../db/queryable";

export type WorkPhase = "reading" | "tombstoning" | "fetching" | "applying" | "pushing";

export interface RunPhase {
  readonly state: string;
  readonly phase: string | null;
  readonly phase_item: string | null;
  readonly phase_step: number | null;
  readonly phase_steps: number | null;
}

function ofSteps(step: number | null, steps: number | null): string {
  if (step === null) return "";
  return steps === null ? ` ${step}` : ` ${step} of ${steps}`;
}

/** "reading articoli (entity 2 of 6)", "applying page 3", "pushing order 12 of 40"; "failed while …" for a failed run. */
export function describePhase(run: RunPhase): string {
  const { phase, phase_item: item, phase_step: step, phase_steps: steps } = run;
  let text: string;
  switch (phase) {
    case null:
      return "";
    case "queued":
      text = "waiting for the worker";
      break;
    case "reading":
      text = `reading ${item ?? "a snapshot"}${step === null ? "" : ` (entity${ofSteps(step, steps)})`}`;
      break;
    case "tombstoning":
      text = "tombstoning rows no snapshot held";
      break;
    case "fetching":
      text = `fetching page${ofSteps(step, steps)} from the ERP`;
      break;
    case "applying":
      text = `applying page${ofSteps(step, steps)}`;
      break;
    case "pushing":
      text = `pushing order${ofSteps(step, steps)}`;
      break;
    default:
      text = phase;
  }
  return run.state === "failed" && phase !== "done" ? `failed while ${text}` : text;
}

/** Records the phase run `runId` enters (its own transaction: it shows at once). */
export async function enterPhase(
  db: Queryable,
  azi: string,
  runId: number,
  phase: WorkPhase,
  where: { readonly item?: string; readonly step?: number; readonly steps?: number } = {},
): Promise<void> {
  await db.query("select sincro.sync_run_phase(azi => $1, run_id => $2, phase => $3, item => $4, step => $5, steps => $6)", [
    azi,
    runId,
    phase,
    where.item ?? null,
    where.step ?? null,
    where.steps ?? null,
  ]);
}
