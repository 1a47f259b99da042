/*
 * One log line per event: JSON when the output is a file or another program
 * (what tests and log collectors read), coloured single lines on a terminal.
 * Both write synchronously so nothing is lost when the process exits.
 */
import pino, { type LevelWithSilent, type Logger } from "pino";
import pinoPretty from "pino-pretty";

export type { Logger };

export function createLogger(level: LevelWithSilent): Logger {
  if (process.stdout.isTTY) {
    // The message says what happened; the fields (for log collectors) are shown only when debugging.
    const showFields = level === "debug" || level === "trace";
    return pino(
      { level },
      pinoPretty({
        destination: process.stdout.fd,
        sync: true,
        colorize: true,
        // singleLine keeps the fields on the message's line (and, with hideObject, drops the newline: pino-pretty 13).
        singleLine: showFields,
        hideObject: !showFields,
        translateTime: "SYS:HH:MM:ss",
        ignore: "pid,hostname,event",
        messageFormat: "{if component}[{component}] {end}{msg}",
      }),
    );
  }
  return pino({ level }, pino.destination({ fd: process.stdout.fd, sync: true }));
}
