import type { AppConfig } from "../../config/schema.ts";
import { UserError } from "../../domain/errors.ts";
import type { OrderEvent } from "../../domain/events.ts";
import { dollarsToMoney, formatUsd } from "../../domain/money.ts";
import type { OrderPort } from "../../engine/orders.ts";
import type { KalshiClient } from "../../kalshi/client.ts";
import type { Clock } from "../../kalshi/clock.ts";
import { LiveBroker } from "../../kalshi/live-broker.ts";
import { LiveGateError, type LiveTradingGrant, grantLiveTrading } from "../../kalshi/live-grant.ts";
import { fetchPortfolio } from "../../kalshi/portfolio.ts";
import type { KalshiPortfolio } from "../../kalshi/wire.ts";
import type { KalshiCredentials } from "./kalshi-credentials.ts";
import { plural } from "../console/number-style.ts";

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

export interface LiveAccount {
  readonly portfolio: KalshiPortfolio;
  /** Cost held in this series' positions on Kalshi. */
  readonly exposure: number;
  readonly positions: number;
}

/**
 * Reads the account with the key (GET /portfolio/balance and /portfolio/positions): proof that
 * Kalshi accepts the key, and the exposure the limits start from. Asked before the user is asked
 * to confirm real money, so a bad key or an unreachable Kalshi is said first. Never names the key.
 */
export async function readLiveAccount(client: KalshiClient, series: string): Promise<LiveAccount> {
  let portfolio: KalshiPortfolio;
  try {
    portfolio = await fetchPortfolio(client);
  } catch (e) {
    const status = (e as { status?: number }).status;
    const why = status === 401 || status === 403 ? "Kalshi refused the API key (check KALSHI_API_KEY_ID, the key file, and demo vs production)" : `Kalshi did not answer an authenticated request (${(e as Error).message})`;
    throw new UserError(`live trading cannot start: ${why}`);
  }
  const ours = portfolio.positions.filter((p) => p.ticker.startsWith(`${series}-`));
  return { portfolio, exposure: ours.reduce((s, p) => s + Math.abs(p.exposure), 0), positions: ours.length };
}

/** One console line: the account and the limits live orders pass. */
export function liveSummary(config: AppConfig, account: LiveAccount): string {
  const l = config.kalshi.live;
  return (
    `live: Kalshi balance ${formatUsd(account.portfolio.balance)}, ${plural(account.positions, `open ${config.series} position`)}, exposure ${formatUsd(account.exposure)}; ` +
    `limits ${formatUsd(dollarsToMoney(l.maxPerOrder))}/order, ${formatUsd(dollarsToMoney(l.maxOpenExposure))} open, ${formatUsd(dollarsToMoney(l.maxDailyLoss))} daily loss, ${plural(l.maxOrdersPerWindow, "order")}/window; kill switch ${l.killSwitchFile}`
  );
}

export function liveBroker(grant: LiveTradingGrant, client: KalshiClient, config: AppConfig): LiveBroker {
  return new LiveBroker(grant, client, { feeRate: dollarsToMoney(config.strategy.feeRate) });
}

/**
 * The engine's venue: each order goes to Kalshi immediate-or-cancel at the price paper trading
 * would pay on that second's book (never above a price the book showed), and its outcome comes
 * back to the engine as an order event.
 */
export function liveOrderPort(broker: LiveBroker, emit: (e: OrderEvent) => void, clock: Clock, log?: (line: string) => void): OrderPort {
  return {
    send(order) {
      broker.submit({ ticker: order.ticker, side: order.side, contracts: order.contracts, limitPrice: order.limitPrice }).then(
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
