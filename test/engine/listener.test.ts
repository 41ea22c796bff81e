import { describe, expect, it } from "vitest";
import { type EngineListener, listenAll } from "../../src/engine/listener.ts";

describe("one listener for many", () => {
  it("tells each listener that has the method, in order, and has no method none of them has", () => {
    const heard: string[] = [];
    const a: EngineListener = { onGap: (from, to) => heard.push(`a gap ${from}-${to}`), onIdle: () => heard.push("a idle") };
    const b: EngineListener = { onGap: (from, to) => heard.push(`b gap ${from}-${to}`) };
    const all = listenAll([a, null, b, undefined]);
    all.onGap!(1, 5);
    all.onIdle!(3, null as never);
    expect(heard).toEqual(["a gap 1-5", "b gap 1-5", "a idle"]);
    expect(all.onTrade).toBeUndefined();
    expect(Object.keys(listenAll([]))).toEqual([]);
  });

  it("keeps each listener's own `this`", () => {
    class Counter implements EngineListener {
      gaps = 0;
      onGap(): void {
        this.gaps++;
      }
    }
    const c = new Counter();
    listenAll([c, {}]).onGap!(0, 1);
    expect(c.gaps).toBe(1);
  });
});
