/*
 * A device client process that dies the hard way (SIGKILL, no cleanup), for
 * killed-client.test.ts. Environment: DEVICE_URL (the app login), DEVICE_FILE
 * (its SQLite file), KILL_AT = "download:<page>" (half-way through applying
 * that page, inside its local transaction) or "upload:<n>" (after the hub
 * committed the n-th order's upload, before the device recorded its public
 * ID). For uploads it first writes ORDERS orders offline (if the outbox is
 * empty), for customer CUSTOMER.
 */
import { DeviceClient } from "../../src/device/client";

async function main(): Promise<void> {
  const [kind, at] = (process.env.KILL_AT ?? "").split(":");
  const killAt = Number(at);
  const die = () => process.kill(process.pid, "SIGKILL");
  let uploads = 0;
  const client = await DeviceClient.open({
    file: process.env.DEVICE_FILE ?? "",
    connectionString: process.env.DEVICE_URL ?? "",
    hooks: {
      duringApply: (page) => {
        if (kind === "download" && page === killAt) die();
      },
      afterUploadCommit: () => {
        uploads += 1;
        if (kind === "upload" && uploads === killAt) die();
      },
    },
  });
  if (kind === "download") await client.sync({ pageSize: Number(process.env.PAGE_SIZE ?? 100) });
  if (kind === "upload") {
    if (client.outbox().length === 0) {
      for (let i = 0; i < Number(process.env.ORDERS ?? 3); i += 1) {
        client.writeOrder({ cliente_cod: process.env.CUSTOMER ?? null, data_ordine: "2026-11-30", lines: [{ articolo: `ART${i}`, quantita: i + 1 }] });
      }
    }
    await client.upload();
  }
  await client.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
