package me.flashapp.gateway.devnet;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import me.flashapp.gateway.lightning.Bolt11;
import me.flashapp.gateway.lightning.Bolt11Exception;
import me.flashapp.gateway.lightning.Bolt11Invoice;
import org.lightningj.lnd.proto.LightningApi.Invoice;
import org.lightningj.lnd.proto.LightningApi.Payment;
import org.lightningj.lnd.proto.LightningApi.PaymentFailureReason;
import org.lightningj.lnd.router.proto.RouterGrpc;
import org.lightningj.lnd.router.proto.RouterOuterClass.SendPaymentRequest;
import org.lightningj.lnd.router.proto.RouterOuterClass.TrackPaymentRequest;

/**
 * The simulator's routerrpc: outgoing payments. A payment succeeds at once (fee 0.1%), unless a
 * test asked it to fail (NO_ROUTE) or to hold payments in flight until {@link #releaseHeld()}.
 * Like LND, it refuses a second payment of a hash that is in flight or paid.
 */
public final class SimulatedRouter extends RouterGrpc.RouterImplBase {
  private static final HexFormat HEX = HexFormat.of();

  private final LndSimulator node;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, Payment> payments = new HashMap<>();
  private final Map<String, List<StreamObserver<Payment>>> watchers = new HashMap<>();
  private final Set<String> failing = new HashSet<>();
  private final Map<String, Integer> attempts = new HashMap<>();
  private boolean hold;

  SimulatedRouter(LndSimulator node) {
    this.node = node;
  }

  /** Payments of this hash fail with NO_ROUTE. */
  public synchronized void failPaymentsTo(String paymentHashHex) {
    failing.add(paymentHashHex);
  }

  /** While on, new payments stay IN_FLIGHT until {@link #releaseHeld()}. */
  public synchronized void holdPayments(boolean on) {
    hold = on;
  }

  /** Completes every held payment successfully and tells whoever tracks it. */
  public synchronized void releaseHeld() {
    hold = false;
    for (Map.Entry<String, Payment> e : new ArrayList<>(payments.entrySet())) {
      if (e.getValue().getStatus() == Payment.PaymentStatus.IN_FLIGHT) {
        finish(e.getKey(), succeed(e.getValue()));
      }
    }
  }

  /** How many SendPaymentV2 calls this hash received that the node accepted (1 = paid once). */
  public synchronized int acceptedAttempts(String paymentHashHex) {
    return attempts.getOrDefault(paymentHashHex, 0);
  }

  public synchronized Payment payment(String paymentHashHex) {
    return payments.get(paymentHashHex);
  }

  @Override
  public void sendPaymentV2(SendPaymentRequest request, StreamObserver<Payment> out) {
    Bolt11Invoice bolt11;
    try {
      bolt11 = Bolt11.decode(request.getPaymentRequest());
    } catch (Bolt11Exception e) {
      out.onError(Status.INVALID_ARGUMENT.withDescription("invalid payment request: " + e.getMessage()).asRuntimeException());
      return;
    }
    String hash = bolt11.paymentHashHex();
    long msat = bolt11.amountMsat().orElse(request.getAmtMsat());
    synchronized (this) {
      Payment existing = payments.get(hash);
      if (existing != null && existing.getStatus() != Payment.PaymentStatus.FAILED) {
        out.onError(Status.ALREADY_EXISTS.withDescription(existing.getStatus() == Payment.PaymentStatus.SUCCEEDED
            ? "invoice is already paid" : "payment is in transition").asRuntimeException());
        return;
      }
      attempts.merge(hash, 1, Integer::sum);
      Payment inFlight = Payment.newBuilder().setPaymentHash(hash).setValueMsat(msat).setValueSat(msat / 1000)
          .setPaymentRequest(request.getPaymentRequest()).setStatus(Payment.PaymentStatus.IN_FLIGHT)
          .setCreationTimeNs(node.clock().millis() * 1_000_000).build();
      payments.put(hash, inFlight);
      watchers.computeIfAbsent(hash, h -> new ArrayList<>()).add(out);
      out.onNext(inFlight);
      if (failing.contains(hash)) {
        finish(hash, inFlight.toBuilder().setStatus(Payment.PaymentStatus.FAILED)
            .setFailureReason(PaymentFailureReason.FAILURE_REASON_NO_ROUTE).build());
      } else if (!hold) {
        finish(hash, succeed(inFlight));
      }
    }
  }

  @Override
  public void trackPaymentV2(TrackPaymentRequest request, StreamObserver<Payment> out) {
    String hash = HEX.formatHex(request.getPaymentHash().toByteArray());
    synchronized (this) {
      Payment p = payments.get(hash);
      if (p == null) {
        out.onError(Status.NOT_FOUND.withDescription("payment isn't initiated").asRuntimeException());
        return;
      }
      out.onNext(p);
      if (p.getStatus() == Payment.PaymentStatus.IN_FLIGHT) {
        watchers.computeIfAbsent(hash, h -> new ArrayList<>()).add(out);
      } else {
        out.onCompleted();
      }
    }
  }

  private Payment succeed(Payment p) {
    byte[] preimage = new byte[32];
    random.nextBytes(preimage);
    // Paying one of our own invoices settles it, as a real payment through the network would.
    Invoice own = node.findByRequest(p.getPaymentRequest());
    if (own != null) {
      node.settle(p.getPaymentHash(), -1);
      preimage = own.getRPreimage().toByteArray();
    }
    long feeMsat = p.getValueMsat() / 1000;
    return p.toBuilder().setStatus(Payment.PaymentStatus.SUCCEEDED).setPaymentPreimage(HEX.formatHex(preimage))
        .setFeeMsat(feeMsat).setFeeSat(feeMsat / 1000).setFee(feeMsat / 1000).build();
  }

  private void finish(String hash, Payment done) {
    payments.put(hash, done);
    List<StreamObserver<Payment>> ws = watchers.remove(hash);
    if (ws == null) {
      return;
    }
    for (StreamObserver<Payment> w : ws) {
      try {
        w.onNext(done);
        w.onCompleted();
      } catch (RuntimeException ignored) {
        // the client cancelled its stream (a gateway that stopped); it will track again
      }
    }
  }
}
