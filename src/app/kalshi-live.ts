import type { AppConfig } from "../config/schema.ts";
import { UserError } from "../domain/errors.ts";
import { dollarsToMoney, formatUsd, parseDollars } from "../domain/money.ts";
import type { SettlementRecord, VoidRecord } from "../domain/records.ts";
import type { Executor } from "../engine/engine.ts";
import { type Fill, paperFill } from "../engine/paper-broker.ts";
import type { KalshiClient } from "../kalshi/client.ts";
import type { Clock } from "../kalshi/clock.ts";
import { type LiveFill, LiveBroker, type LiveLimits } from "../kalshi/live-broker.ts";
import { LiveGateError, type LiveTradingGrant, grantLiveTrading } from "../kalshi/live-grant.ts";
import type { BuyOrder } from "../kalshi/orders.ts";
import { fetchPortfolio } from "../kalshi/portfolio.ts";
import type { KalshiPortfolio } from "../kalshi/wire.ts";
import type { KalshiCredentials } from "./kalshi-credentials.ts";

export interface LiveGateInput {
  /** The live command's --mode ("paper" or "live"). */
  readonly mode: string;
  /** From readKalshiCredentials(env); null without a key. */
  readonly credentials: KalshiCredentials | null;
  /** The interactive prompt was answered yes, or --confirm-live was given. */
  readonly confirmed: boolean;
}

/**
 * The three gates of live trading: `--mode live`, an API key, and an explicit confirmation.
 * Returns the grant a LiveBroker needs; throws a UserError naming each missing gate.
 */
export function checkLiveGates(g: LiveGateInput): LiveTradingGrant {
  try {
    return grantLiveTrading({ mode: g.mode, hasKey: g.credentials !== null, confirmed: g.confirmed });
  } catch (e) {
    if (e instanceof LiveGateError) throw new UserError(e.message);
    throw e;
  }
}

/** The `kalshi.live` limits in exact money. */
export function liveLimits(config: AppConfig): LiveLimits {
  const l = config.kalshi.live;
  return {
    maxPerOrder: dollarsToMoney(l.maxPerOrder),
    maxOpenExposure: dollarsToMoney(l.maxOpenExposure),
    maxDailyLoss: dollarsToMoney(l.maxDailyLoss),
    maxOrdersPerWindow: l.maxOrdersPerWindow,
    killSwitchFile: l.killSwitchFile,
  };
}

export interface LiveStart {
  readonly broker: LiveBroker;
  readonly portfolio: KalshiPortfolio;
  /** One line for the console: balance, open positions, exposure, limits. */
  readonly summary: string;
}

/**
 * Opens live trading: checks the gates, then reconciles with Kalshi (GET /portfolio/balance and
 * /portfolio/positions) so the exposure limit starts from the account's real positions in this
 * series. `client` must carry the same credentials.
 */
export async function startLiveBroker(a: LiveGateInput & { client: KalshiClient; config: AppConfig; clock: Clock; dayPnl?: number }): Promise<LiveStart> {
  const grant = checkLiveGates(a);
  const broker = new LiveBroker(grant, a.client, liveLimits(a.config), { clock: a.clock, feeRate: dollarsToMoney(a.config.strategy.feeRate) });
  const portfolio = await fetchPortfolio(a.client);
  const ours = portfolio.positions.filter((p) => p.ticker.startsWith(`${a.config.series}-`));
  const exposure = ours.reduce((s, p) => s + Math.abs(p.exposure), 0);
  broker.restore({ exposure, ...(a.dayPnl !== undefined ? { dayPnl: a.dayPnl } : {}) });
  const l = broker.limits;
  const summary =
    `live: Kalshi balance ${formatUsd(portfolio.balance)}, ${ours.length} open ${a.config.series} position(s), exposure ${formatUsd(exposure)}; ` +
    `limits ${formatUsd(l.maxPerOrder)}/order, ${formatUsd(l.maxOpenExposure)} open, ${formatUsd(l.maxDailyLoss)} daily loss, ${l.maxOrdersPerWindow} order(s)/window; kill switch ${l.killSwitchFile}`;
  return { broker, portfolio, summary };
}

export interface LiveExecutorDeps {
  readonly broker: LiveBroker;
  /** Reports the outcome: the runner passes `(ref, fill) => engine.completeOrder(ref, fill)`. */
  readonly complete: (ref: string, fill: Fill | null) => void;
  readonly log?: (line: string) => void;
}

/**
 * The engine's executor for live orders. The order is what paper trading would fill on this
 * second's book (size and worst level price), sent immediate-or-cancel at that price: never
 * above a price the book showed. Refused by a limit or the kill switch: nothing is sent.
 */
export function liveExecutor(d: LiveExecutorDeps): Executor {
  return (intent, quote, feeRate, ref) => {
    const paper = paperFill(intent, quote, feeRate);
    if (paper === null) return null;
    const order: BuyOrder = { ticker: quote.ticker, side: intent.side, contracts: paper.contracts, limitPrice: Math.max(...paper.levels.map((l) => l.price)) };
    const refused = d.broker.check(order);
    if (refused !== null) {
      d.log?.(`live order refused: ${refused.message}`);
      return { refused: refused.message };
    }
    d.broker.submit(order).then(
      (fill) => {
        d.log?.(fill === null ? `live order ${ref}: nothing filled` : `live order ${ref}: ${fill.contracts} ${fill.side.toUpperCase()} filled (order ${fill.orderId})`);
        d.complete(ref, fill === null ? null : engineFill(fill));
      },
      (e: Error) => {
        d.log?.(`live order ${ref} failed: ${e.message}`);
        d.complete(ref, null);
      },
    );
    return { pending: true };
  };
}

function engineFill(f: LiveFill): Fill {
  return { side: f.side, contracts: f.contracts, levels: f.levels, cost: f.cost, fee: f.fee };
}

/**
 * Keeps the broker's exposure and daily P&L current: call from the engine's onSettlement.
 * A void refunds cost and fee (no P&L).
 */
export function settleForLimits(broker: LiveBroker, r: SettlementRecord | VoidRecord): void {
  if (r.type === "settlement") {
    const payout = parseDollars(r.payout);
    broker.settle(payout - parseDollars(r.pnl), payout);
  } else {
    const refund = parseDollars(r.refund);
    broker.settle(refund, refund);
  }
}
