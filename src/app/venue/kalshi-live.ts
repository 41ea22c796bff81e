import type { AppConfig } from "../../config/schema.ts";
import { UserError } from "../../domain/errors.ts";
import type { OrderEvent } from "../../domain/events.ts";
import { type Money, dollarsToMoney, formatUsd } from "../../domain/money.ts";
import { windowAt } from "../../domain/window.ts";
import type { OrderPort } from "../../engine/orders.ts";
import type { KalshiClient } from "../../kalshi/client.ts";
import type { Clock } from "../../kalshi/clock.ts";
import { LiveBroker } from "../../kalshi/live-broker.ts";
import { LiveGateError, type LiveTradingGrant, grantLiveTrading } from "../../kalshi/live-grant.ts";
import { fetchPortfolio } from "../../kalshi/portfolio.ts";
import { type BuyOrder, describeV2 } from "../../kalshi/orders.ts";
import { type KalshiPortfolio, parseBalance, parseMarket } from "../../kalshi/wire.ts";
import type { Scheduler } from "../../net/scheduler.ts";
import { PollLoop } from "../../net/poll-loop.ts";
import { type KalshiCredentials, keyVariables } from "./kalshi-credentials.ts";
import type { KalshiEnvironment } from "../../config/kalshi-schema.ts";
import { count, plural } from "../console/number-style.ts";

export interface LiveGateInput {
  /** The live command's --mode ("paper" or "live"). */
  readonly mode: string;
  /** From readKalshiCredentials(env); null without a key. */
  readonly credentials: KalshiCredentials | null;
  /** The interactive prompt was answered yes, or --confirm-live was given. */
  readonly confirmed: boolean;
  /** Which Kalshi exchange (its key variables are named in the refusal). */
  readonly kalshiEnv?: KalshiEnvironment;
}

/**
 * The three gates of live trading: `--mode live`, an API key, and an explicit confirmation.
 * Returns the grant a LiveBroker needs; throws a UserError naming each missing gate.
 */
export function checkLiveGates(g: LiveGateInput): LiveTradingGrant {
  try {
    const v = keyVariables(g.kalshiEnv);
    return grantLiveTrading({ mode: g.mode, hasKey: g.credentials !== null, confirmed: g.confirmed, keyVariables: `${v.id} and ${v.path}` });
  } catch (e) {
    if (e instanceof LiveGateError) throw new UserError(e.message);
    throw e;
  }
}

export interface LiveAccount {
  readonly portfolio: KalshiPortfolio;
  /** Cost held in the traded series' positions on Kalshi, all together. */
  readonly exposure: number;
  readonly positions: number;
  /** The same for each series. */
  readonly bySeries: Readonly<Record<string, { readonly exposure: number; readonly positions: number }>>;
  /** The exchange shard the first series' current market lives on (Kalshi's crypto events share one); null when Kalshi did not say. */
  readonly shard: number | null;
}

/**
 * Reads the account with the key (GET /portfolio/balance and /portfolio/positions): proof that
 * Kalshi accepts the key, and the exposure the limits start from; and the current window's
 * market, for the exchange shard orders go to. Asked before the user is asked to confirm real
 * money, so a bad key or an unreachable Kalshi is said first. Never names the key.
 */
export async function readLiveAccount(client: KalshiClient, seriesList: string | readonly string[], nowMs: number): Promise<LiveAccount> {
  const list = typeof seriesList === "string" ? [seriesList] : seriesList;
  let portfolio: KalshiPortfolio;
  try {
    portfolio = await fetchPortfolio(client);
  } catch (e) {
    const status = (e as { status?: number }).status;
    const why = status === 401 || status === 403 ? "Kalshi refused the API key (check the key id, the key file, and demo vs production: --kalshi-env)" : `Kalshi did not answer an authenticated request (${(e as Error).message})`;
    throw new UserError(`live trading cannot start: ${why}`);
  }
  const bySeries: Record<string, { exposure: number; positions: number }> = {};
  for (const series of list) {
    const ours = portfolio.positions.filter((p) => p.ticker.startsWith(`${series}-`));
    bySeries[series] = { exposure: ours.reduce((s, p) => s + Math.abs(p.exposure), 0), positions: ours.length };
  }
  const all = Object.values(bySeries);
  return { portfolio, exposure: all.reduce((s, x) => s + x.exposure, 0), positions: all.reduce((s, x) => s + x.positions, 0), bySeries, shard: await marketShard(client, list[0]!, nowMs) };
}

/** The shard of the current window's market (or the next one's, between listings); null when neither says. */
async function marketShard(client: KalshiClient, series: string, nowMs: number): Promise<number | null> {
  const current = windowAt(Math.floor(nowMs / 1000), series);
  for (const ticker of [current.ticker, windowAt(current.close, series).ticker]) {
    try {
      const shard = parseMarket(await client.get(`/markets/${ticker}`)).exchangeIndex;
      if (shard !== null) return shard;
    } catch {
      // Not listed yet, or unreadable: try the next window, then go without.
    }
  }
  return null;
}

/** What one shard holds, or the whole balance when Kalshi gave no per-shard breakdown (no sharding). */
export function shardBalance(portfolio: Pick<KalshiPortfolio, "balance" | "shards">, shard: number | null): Money {
  if (shard === null || portfolio.shards.size === 0) return portfolio.balance;
  return portfolio.shards.get(shard) ?? 0;
}

/** The largest order the limits allow: the per-order limit, or the strategy's own cap when smaller. */
export function largestOrder(config: AppConfig): Money {
  return Math.min(dollarsToMoney(config.kalshi.live.maxPerOrder), dollarsToMoney(config.strategy.maxPosition));
}

/**
 * Kalshi holds collateral per exchange shard and an order can spend only its market's shard's:
 * an account funded on shard 0 shows a healthy total while every order on shard 2 is rejected.
 * One line saying so when the series' shard holds less than the largest order the limits allow;
 * null when live orders may start.
 */
export function shardShortfall(config: AppConfig, account: LiveAccount): string | null {
  const need = largestOrder(config);
  const have = shardBalance(account.portfolio, account.shard);
  if (have >= need) return null;
  const where = account.shard === null || account.portfolio.shards.size === 0 ? "your Kalshi balance" : `exchange shard ${account.shard}, where ${config.series.join(" and ")} trade${config.series.length === 1 ? "s" : ""},`;
  const elsewhere = [...account.portfolio.shards].filter(([i, m]) => i !== account.shard && m > 0).map(([i, m]) => `${formatUsd(m)} on shard ${i}`);
  return (
    `live orders refused: ${where} holds ${formatUsd(have)}, less than the largest order the limits allow (${formatUsd(need)})` +
    (elsewhere.length ? `; ${elsewhere.join(", ")} cannot be used there: move collateral to shard ${account.shard} on Kalshi first` : "")
  );
}

/** One console line: the account, the shard orders go to, and the limits live orders pass. */
export function liveSummary(config: AppConfig, account: LiveAccount): string {
  const l = config.kalshi.live;
  const shard = account.shard === null || account.portfolio.shards.size === 0 ? "" : ` (shard ${account.shard}: ${formatUsd(shardBalance(account.portfolio, account.shard))})`;
  return (
    `live: Kalshi balance ${formatUsd(account.portfolio.balance)}${shard}, ${plural(account.positions, `open ${config.series.join("/")} position`)}, exposure ${formatUsd(account.exposure)}; ` +
    `limits ${formatUsd(dollarsToMoney(l.maxPerOrder))}/order, ${formatUsd(dollarsToMoney(l.maxOpenExposure))} open, ${formatUsd(dollarsToMoney(l.maxDailyLoss))} daily loss, ${plural(l.maxOrdersPerWindow, "order")}/window; kill switch ${l.killSwitchFile}`
  );
}

export function liveBroker(grant: LiveTradingGrant, client: KalshiClient, config: AppConfig): LiveBroker {
  return new LiveBroker(grant, client, { feeRate: dollarsToMoney(config.strategy.feeRate) });
}

/**
 * The engine's venue: each order goes to Kalshi immediate-or-cancel on its market's exchange shard
 * (`shardOf`; Kalshi routes it itself when unknown), at the size and worst price the engine sent,
 * and its outcome comes back to the engine as an order event. `log` gets the order as it goes on
 * the wire (Kalshi's single YES book: a NO buy is an ask at 1 − the NO price).
 */
export function liveOrderPort(broker: LiveBroker, emit: (e: OrderEvent) => void, clock: Clock, log?: (line: string) => void, shardOf: (ticker: string) => number | null = () => null): OrderPort {
  return {
    send(order) {
      const buy: BuyOrder = { ticker: order.ticker, side: order.side, contracts: order.contracts, limitPrice: order.limitPrice, exchangeIndex: shardOf(order.ticker) };
      log?.(`live order ${order.ref}: ${describeV2(buy)}, immediate-or-cancel (buy up to ${order.contracts} ${order.side.toUpperCase()} at most ${formatUsd(order.limitPrice)} each)`);
      broker.submit(buy).then(
        (fill) => {
          log?.(fill === null ? `live order ${order.ref}: nothing filled` : `live order ${order.ref}: ${fill.contracts} ${fill.side.toUpperCase()} filled (order ${fill.orderId})`);
          const engineFill = fill === null ? null : { side: fill.side, contracts: fill.contracts, levels: fill.levels, cost: fill.cost, fee: fill.fee };
          emit({ type: "order", t: clock.now(), ref: order.ref, fill: engineFill, error: null });
        },
        (e: Error) => {
          log?.(`live order ${order.ref} failed: ${e.message}`);
          emit({ type: "order", t: clock.now(), ref: order.ref, fill: null, error: e.message });
        },
      );
    },
  };
}

/** Orders and their rejections by Kalshi's code, or null before the first order: "orders 3 sent, 1 rejected (insufficient_balance 1)". */
export function ordersLine(broker: LiveBroker): string | null {
  const c = broker.counters;
  if (c.sent === 0) return null;
  const codes = Object.entries(c.rejected)
    .sort((a, b) => b[1] - a[1])
    .map(([code, n]) => `${code} ${count(n)}`)
    .join(", ");
  return `orders ${count(c.sent)} sent, ${count(c.filled)} filled, ${count(c.unfilled)} unfilled, ${count(c.failed)} failed${codes ? ` (${codes})` : ""}`;
}

/**
 * The balance orders can spend, kept current for the status line: the series' shard's balance
 * (GET /portfolio/balance, every `intervalMs` on the shared poll loop). A failed read keeps the
 * last figure and says so.
 */
export class ShardBalanceWatch {
  private balance: Money;
  private failed = false;
  private readonly loop: PollLoop;

  constructor(
    private readonly client: KalshiClient,
    private readonly account: LiveAccount,
    intervalMs: number,
    backoffMaxMs: number,
    scheduler?: Scheduler,
  ) {
    this.balance = shardBalance(account.portfolio, account.shard);
    this.loop = new PollLoop(() => this.read(), { intervalMs, backoffMaxMs, ...(scheduler ? { scheduler } : {}) });
  }

  /** Reads once now (also what start() repeats). */
  async read(): Promise<boolean> {
    try {
      this.balance = shardBalance(parseBalance(await this.client.get("/portfolio/balance", { auth: true })), this.account.shard);
      this.failed = false;
      return true;
    } catch {
      this.failed = true;
      return false;
    }
  }

  /** "shard 2 balance $12.34" (or "balance $12.34" without shards). */
  line(): string {
    const where = this.account.shard === null || this.account.portfolio.shards.size === 0 ? "balance" : `shard ${this.account.shard} balance`;
    return `${where} ${formatUsd(this.balance)}${this.failed ? " (last read failed)" : ""}`;
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }
}
