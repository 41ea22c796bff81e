// The simulated clock the live tests run on: timers fire in time order and only as the test
// moves the clock, loopback I/O caused by a timer is in before the clock moves on, and a wait
// that cannot end says so instead of hanging.
import { type AddressInfo, createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { sleep } from "../../src/net/scheduler.ts";
import { SimScheduler } from "./scheduler.ts";

describe("simulated clock", () => {
  it("fires timers in time order (set order on a tie), repeats intervals, and forgets cancelled ones", async () => {
    const sim = new SimScheduler(1_000);
    const fired: string[] = [];
    sim.after(30, () => fired.push(`a@${sim.now()}`));
    sim.after(10, () => fired.push(`b@${sim.now()}`));
    sim.after(10, () => fired.push(`c@${sim.now()}`));
    const tick = sim.every(25, () => fired.push(`tick@${sim.now()}`));
    sim.after(20, () => fired.push(`gone`)).cancel();
    await sim.advance(60);
    tick.cancel();
    await sim.advance(100);
    expect(fired).toEqual(["b@1010", "c@1010", "tick@1025", "a@1030", "tick@1050"]);
    expect(sim.now()).toBe(1_160);
    expect(sim.pending).toBe(0);
  });

  it("does not move while nothing drives it, and a halted clock fires nothing more", async () => {
    const sim = new SimScheduler(0);
    let fired = 0;
    sim.after(1, () => fired++);
    await new Promise((r) => setTimeout(r, 20));
    expect(fired).toBe(0);
    sim.halt();
    sim.after(1, () => fired++);
    await sim.advance(1_000);
    expect(fired).toBe(0);
  });

  it("lets the loopback I/O a timer caused arrive before the clock moves on", async () => {
    const sim = new SimScheduler(0);
    const server = createServer((sock) => sock.on("data", (d) => sock.write(d)));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const { port } = server.address() as AddressInfo;
    const heard: number[] = [];
    const client = (await import("node:net")).connect(port, "127.0.0.1");
    client.on("data", () => heard.push(sim.now()));
    await sim.until(() => client.readyState === "open", "the connection");
    for (const at of [100, 200, 300]) sim.after(at, () => client.write("x"));
    await sim.advance(400);
    // Each echo was heard at the instant its write was made: the clock waited for it.
    expect(heard).toEqual([100, 200, 300]);
    client.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it("runs a promise to its end on the clock, and says when a wait cannot end", async () => {
    const sim = new SimScheduler(0);
    expect(await sim.run(sleep(sim, 5_000).then(() => sim.now()))).toBe(5_000);
    sim.every(1_000, () => {});
    await expect(sim.until(() => false, "something that never happens", { simMs: 10_000 })).rejects.toThrow(/something that never happens did not happen within 10 simulated seconds/);
  });
});
