import { PurchaseStatus } from '../core/enums';

/** One purchase event, as the insights and the metrics read it. */
export interface PurchaseFact {
  /** The order: its source and number (an order's events share them). */
  order: string;
  status: PurchaseStatus;
  currency: string;
  /** The event's total in minor units. */
  minor: bigint;
  at: Date;
}

/** An order that was paid for: what it brought in, and what went back. */
export interface PaidOrder {
  order: string;
  currency: string;
  /** The total of its latest PAID or FULFILLED event. */
  paidMinor: bigint;
  /** The totals of its REFUNDED events (a partial refund sends the amount refunded). */
  refundedMinor: bigint;
  /** Its first PAID or FULFILLED event: when the customer bought. */
  purchasedAt: Date;
  /** Its latest event is CANCELLED: it keeps nothing and is not counted as an order. */
  cancelled: boolean;
  /** Paid less refunded, never below zero; zero when cancelled. */
  netMinor: bigint;
}

/**
 * Orders from their events (in time order): an order counts once, when it was ever PAID or
 * FULFILLED, with the total of its latest such event; each REFUNDED event takes its total back;
 * an order whose latest event is CANCELLED keeps nothing. PLACED alone is not a purchase.
 */
export function paidOrders(facts: readonly PurchaseFact[]): PaidOrder[] {
  const byOrder = new Map<string, PurchaseFact[]>();
  for (const fact of [...facts].sort((a, b) => a.at.getTime() - b.at.getTime())) {
    const list = byOrder.get(fact.order);
    if (list) list.push(fact);
    else byOrder.set(fact.order, [fact]);
  }
  const orders: PaidOrder[] = [];
  for (const [order, events] of byOrder) {
    const paid = events.filter((e) => e.status === PurchaseStatus.PAID || e.status === PurchaseStatus.FULFILLED);
    if (paid.length === 0) continue;
    const latestPaid = paid[paid.length - 1];
    // An order is in one currency (its lines must be); its refunds are too.
    const refundedMinor = events.filter((e) => e.status === PurchaseStatus.REFUNDED).reduce((sum, e) => sum + e.minor, 0n);
    const cancelled = events[events.length - 1].status === PurchaseStatus.CANCELLED;
    const net = latestPaid.minor - refundedMinor;
    orders.push({
      order,
      currency: latestPaid.currency,
      paidMinor: latestPaid.minor,
      refundedMinor,
      purchasedAt: paid[0].at,
      cancelled,
      netMinor: cancelled || net < 0n ? 0n : net,
    });
  }
  return orders;
}
