package me.flashapp.gateway.devnet;

import com.google.protobuf.ByteString;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import me.flashapp.gateway.lightning.Bolt11;
import me.flashapp.gateway.lightning.Bolt11Builder;
import me.flashapp.gateway.lightning.Bolt11Network;
import org.bitcoinj.crypto.ECKey;
import org.lightningj.lnd.invoices.proto.InvoicesGrpc;
import org.lightningj.lnd.invoices.proto.InvoicesOuterClass.CancelInvoiceMsg;
import org.lightningj.lnd.invoices.proto.InvoicesOuterClass.CancelInvoiceResp;
import org.lightningj.lnd.proto.LightningApi.AddInvoiceResponse;
import org.lightningj.lnd.proto.LightningApi.GetInfoRequest;
import org.lightningj.lnd.proto.LightningApi.GetInfoResponse;
import org.lightningj.lnd.proto.LightningApi.Invoice;
import org.lightningj.lnd.proto.LightningApi.InvoiceSubscription;
import org.lightningj.lnd.proto.LightningApi.PaymentHash;
import org.lightningj.lnd.proto.LightningGrpc;

/**
 * An LND look-alike on loopback for dev mode and tests: a real gRPC server with TLS (a
 * self-signed certificate it generates, written as {@code tls.cert}) that checks the
 * {@code macaroon} header (hex of {@code admin.macaroon}) on every call. It implements what the
 * gateway calls: GetInfo, AddInvoice (real signed BOLT11), SubscribeInvoices with add/settle index
 * replay, LookupInvoice, CancelInvoice, and (in {@link SimulatedRouter}) SendPaymentV2 and
 * TrackPaymentV2. Tests settle invoices as a payer would and cut the streams.
 *
 * <p>All state is guarded by {@code this}; stream messages are sent under the lock so each
 * subscriber sees events in index order.
 */
public final class LndSimulator implements AutoCloseable {
  private static final Metadata.Key<String> MACAROON = Metadata.Key.of("macaroon", Metadata.ASCII_STRING_MARSHALLER);
  private static final HexFormat HEX = HexFormat.of();

  private final Bolt11Network network;
  private final ECKey nodeKey = new ECKey();
  private final SecureRandom random = new SecureRandom();
  private final String macaroonHex;
  private final Path certPath;
  private final Path macaroonPath;
  private final String certPem;
  private final Server server;
  private final SimulatedRouter router;
  private volatile Clock clock;

  private final Map<String, Invoice> invoices = new LinkedHashMap<>(); // by payment hash hex, in add order
  private final Map<String, String> hashByRequest = new HashMap<>(); // BOLT11 text as issued -> payment hash hex
  private final List<StreamObserver<Invoice>> subscribers = new ArrayList<>();
  private long addIndex;
  private long settleIndex;

  private LndSimulator(Path dir, Bolt11Network network, Clock clock, int port) throws IOException {
    this.network = network;
    this.clock = clock;
    Files.createDirectories(dir);
    byte[] macaroon = new byte[32];
    random.nextBytes(macaroon);
    this.macaroonHex = HEX.formatHex(macaroon);
    SelfSignedTls tls = SelfSignedTls.generate();
    this.certPem = tls.certificatePem();
    this.certPath = dir.resolve("tls.cert");
    this.macaroonPath = dir.resolve("admin.macaroon");
    Files.writeString(certPath, certPem);
    Files.write(macaroonPath, macaroon);
    this.router = new SimulatedRouter(this);
    ServerInterceptor auth = new MacaroonCheck();
    this.server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
        .sslContext(GrpcSslContexts.configure(SslContextBuilder.forServer(tls.keyPair().getPrivate(), tls.certificate()))
            .build())
        // LND's keepalive policy (MinTime 5 s, PermitWithoutStream): grpc-java's default (pings at
        // most every 5 min) answers the gateway's 60 s pings with GOAWAY too_many_pings, which
        // drops the invoice stream every few minutes.
        .permitKeepAliveTime(5, TimeUnit.SECONDS)
        .permitKeepAliveWithoutCalls(true)
        .addService(ServerInterceptors.intercept(new LightningService(), auth))
        .addService(ServerInterceptors.intercept(new InvoicesService(), auth))
        .addService(ServerInterceptors.intercept(router, auth))
        .build()
        .start();
  }

  /**
   * Starts a simulator on a free loopback port, writing {@code tls.cert} and
   * {@code admin.macaroon} under {@code dir}. Blocking (key generation, bind): call it off the
   * event loop.
   */
  public static LndSimulator start(Path dir, Bolt11Network network, Clock clock) {
    return start(dir, network, clock, 0);
  }

  /** As {@link #start(Path, Bolt11Network, Clock)} on a given port (0 = any free one). */
  public static LndSimulator start(Path dir, Bolt11Network network, Clock clock, int port) {
    try {
      return new LndSimulator(dir, network, clock, port);
    } catch (IOException e) {
      throw new IllegalStateException("LND simulator did not start: " + e.getMessage(), e);
    }
  }

  /** {@code https://127.0.0.1:<port>}, the value of GATEWAY_LND_GRPC_URL that reaches it. */
  public String grpcUrl() {
    return "https://127.0.0.1:" + server.getPort();
  }

  public Path certPath() {
    return certPath;
  }

  public Path macaroonPath() {
    return macaroonPath;
  }

  /** The macaroon as hex, as it goes in a connection string. Never log it. */
  public String macaroonHex() {
    return macaroonHex;
  }

  /** SHA-256 of the certificate (DER), hex: a connection string's {@code certthumbprint}. */
  public String certThumbprint() {
    try {
      String b64 = certPem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
      return HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(java.util.Base64.getDecoder().decode(b64)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public String nodePubkeyHex() {
    return nodeKey.getPublicKeyAsHex();
  }

  public void setClock(Clock clock) {
    this.clock = clock;
  }

  Clock clock() {
    return clock;
  }

  public SimulatedRouter router() {
    return router;
  }

  /** The result of paying one of this node's invoices from outside. */
  public enum PayResult {
    SETTLED, ALREADY_SETTLED, CANCELED, UNKNOWN_INVOICE;

    /** The {@code status} a payer's answer gives for a paid invoice: Settled or AlreadySettled. */
    public String status() {
      return this == SETTLED ? "Settled" : "AlreadySettled";
    }
  }

  /** Pays an invoice of this node as a payer would (tests): settles it with its own amount. */
  public PayResult pay(String paymentRequest) {
    return settle(paymentHash(paymentRequest), -1);
  }

  /**
   * The payment hash of {@code paymentRequest}: for one of this node's invoices given exactly as
   * AddInvoice returned it, from the node's own record; anything else (another spelling of it,
   * another node's invoice) is decoded, its signature checked. A payer would always decode, which
   * costs two secp256k1 point multiplications; the devnet payer lives in the gateway's process, and
   * in a load run that work, which a real deployment does not do at all, went to its event loops.
   *
   * @throws Bolt11Exception if it is not a valid BOLT11 invoice
   */
  public String paymentHash(String paymentRequest) {
    String own;
    synchronized (this) {
      own = hashByRequest.get(paymentRequest);
    }
    return own != null ? own : Bolt11.decode(paymentRequest).paymentHashHex();
  }

  /**
   * Settles an invoice as if a payer paid {@code amtPaidMsat} (-1: the invoice's value; more than
   * the value for an overpayment) and notifies the subscribers.
   */
  public synchronized PayResult settle(String paymentHashHex, long amtPaidMsat) {
    Invoice inv = invoices.get(paymentHashHex);
    if (inv == null) {
      return PayResult.UNKNOWN_INVOICE;
    }
    switch (inv.getState()) {
      case SETTLED:
        return PayResult.ALREADY_SETTLED;
      case CANCELED:
        return PayResult.CANCELED;
      default:
        break;
    }
    long paid = amtPaidMsat < 0 ? inv.getValueMsat() : amtPaidMsat;
    Invoice settled = inv.toBuilder().setState(Invoice.InvoiceState.SETTLED).setSettled(true)
        .setSettleIndex(++settleIndex).setSettleDate(clock.instant().getEpochSecond())
        .setAmtPaidMsat(paid).setAmtPaidSat(paid / 1000).setAmtPaid(paid / 1000).build();
    invoices.put(paymentHashHex, settled);
    publish(settled);
    return PayResult.SETTLED;
  }

  /** The node's view of an invoice (null if unknown), for assertions. */
  public synchronized Invoice invoice(String paymentHashHex) {
    return invoices.get(paymentHashHex);
  }

  /** How many invoices AddInvoice has made, for assertions. */
  public synchronized int invoiceCount() {
    return invoices.size();
  }

  /** How many invoices have been settled (the settle index), for assertions. */
  public synchronized long settledCount() {
    return settleIndex;
  }

  /** Ends every SubscribeInvoices stream with UNAVAILABLE, as a dropped connection would. */
  public synchronized void cutStreams() {
    for (StreamObserver<Invoice> s : subscribers) {
      try {
        s.onError(Status.UNAVAILABLE.withDescription("simulated disconnect").asRuntimeException());
      } catch (RuntimeException ignored) {
        // already cancelled by the client
      }
    }
    subscribers.clear();
  }

  public synchronized int subscriberCount() {
    return subscribers.size();
  }

  private void publish(Invoice inv) {
    subscribers.removeIf(s -> {
      try {
        s.onNext(inv);
        return false;
      } catch (RuntimeException e) {
        return true; // the client went away
      }
    });
  }

  synchronized Invoice findByRequest(String paymentRequest) {
    String hash = hashByRequest.get(paymentRequest);
    return hash == null ? null : invoices.get(hash);
  }

  @Override
  public void close() {
    synchronized (this) {
      subscribers.forEach(s -> {
        try {
          s.onError(Status.UNAVAILABLE.withDescription("node shutting down").asRuntimeException());
        } catch (RuntimeException ignored) {
          // client already gone
        }
      });
      subscribers.clear();
    }
    server.shutdownNow();
    try {
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Refuses any call without the right macaroon, as LND does. */
  private final class MacaroonCheck implements ServerInterceptor {
    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                      ServerCallHandler<Q, R> next) {
      String given = headers.get(MACAROON);
      if (given == null) {
        call.close(Status.UNAUTHENTICATED.withDescription("expected 1 macaroon, got 0"), new Metadata());
        return new ServerCall.Listener<>() {};
      }
      if (!MessageDigest.isEqual(given.toLowerCase().getBytes(), macaroonHex.getBytes())) {
        call.close(Status.UNAUTHENTICATED.withDescription("verification failed: signature mismatch after caveat verification"),
            new Metadata());
        return new ServerCall.Listener<>() {};
      }
      return next.startCall(call, headers);
    }
  }

  private final class LightningService extends LightningGrpc.LightningImplBase {
    @Override
    public void getInfo(GetInfoRequest request, StreamObserver<GetInfoResponse> out) {
      out.onNext(GetInfoResponse.newBuilder().setVersion("0.17.0-beta flash-devnet").setAlias("flash-devnet")
          .setIdentityPubkey(nodePubkeyHex()).setSyncedToChain(true).setSyncedToGraph(true)
          .setBlockHeight(1).build());
      out.onCompleted();
    }

    @Override
    public void addInvoice(Invoice request, StreamObserver<AddInvoiceResponse> out) {
      long msat = request.getValueMsat() != 0 ? request.getValueMsat() : request.getValue() * 1000;
      if (msat < 0) {
        out.onError(Status.INVALID_ARGUMENT.withDescription("amount must be positive").asRuntimeException());
        return;
      }
      int hashLength = request.getDescriptionHash().size();
      if (hashLength != 0 && hashLength != 32) {
        // LND refuses any other length too
        out.onError(Status.INVALID_ARGUMENT.withDescription("description hash is " + hashLength
            + " bytes, must be 32").asRuntimeException());
        return;
      }
      byte[] preimage = new byte[32];
      byte[] paymentAddr = new byte[32];
      random.nextBytes(preimage);
      random.nextBytes(paymentAddr);
      byte[] hash = sha256(preimage);
      long expiry = request.getExpiry() > 0 ? request.getExpiry() : 86_400;
      long now = clock.instant().getEpochSecond();
      Bolt11Builder b = Bolt11Builder.forNetwork(network).timestamp(now).paymentHash(hash)
          .expirySeconds(expiry).minFinalCltvExpiryDelta(80).paymentSecret(paymentAddr).features(9, 14, 16);
      // As LND: a description hash replaces the memo in the payment request (h, no d); the memo is
      // then only kept on the invoice for the creator's records.
      if (hashLength == 32) {
        b.descriptionHash(request.getDescriptionHash().toByteArray());
      } else {
        b.description(request.getMemo());
      }
      if (msat > 0) {
        b.amountMsat(msat);
      }
      String bolt11 = b.sign(nodeKey);
      AddInvoiceResponse response;
      synchronized (LndSimulator.this) {
        Invoice inv = Invoice.newBuilder().setMemo(request.getMemo())
            .setDescriptionHash(request.getDescriptionHash()).setRPreimage(ByteString.copyFrom(preimage))
            .setRHash(ByteString.copyFrom(hash)).setValueMsat(msat).setValue(msat / 1000).setCreationDate(now)
            .setExpiry(expiry).setPaymentRequest(bolt11).setCltvExpiry(80).setAddIndex(++addIndex)
            .setPaymentAddr(ByteString.copyFrom(paymentAddr)).setState(Invoice.InvoiceState.OPEN).build();
        invoices.put(HEX.formatHex(hash), inv);
        hashByRequest.put(bolt11, HEX.formatHex(hash));
        publish(inv);
        response = AddInvoiceResponse.newBuilder().setRHash(inv.getRHash()).setPaymentRequest(bolt11)
            .setAddIndex(inv.getAddIndex()).setPaymentAddr(inv.getPaymentAddr()).build();
      }
      out.onNext(response);
      out.onCompleted();
    }

    @Override
    public void lookupInvoice(PaymentHash request, StreamObserver<Invoice> out) {
      String hash = request.getRHash().isEmpty() ? request.getRHashStr() : HEX.formatHex(request.getRHash().toByteArray());
      Invoice inv = invoice(hash);
      if (inv == null) {
        out.onError(Status.NOT_FOUND.withDescription("there are no existing invoices").asRuntimeException());
        return;
      }
      out.onNext(inv);
      out.onCompleted();
    }

    /** LND semantics: index 0 means "no backlog" for that kind of event. */
    @Override
    public void subscribeInvoices(InvoiceSubscription request, StreamObserver<Invoice> out) {
      synchronized (LndSimulator.this) {
        if (request.getAddIndex() > 0) {
          invoices.values().stream().filter(i -> i.getAddIndex() > request.getAddIndex()).forEach(out::onNext);
        }
        if (request.getSettleIndex() > 0) {
          invoices.values().stream().filter(i -> i.getSettleIndex() > request.getSettleIndex())
              .sorted(java.util.Comparator.comparingLong(Invoice::getSettleIndex)).forEach(out::onNext);
        }
        subscribers.add(out);
      }
    }
  }

  private final class InvoicesService extends InvoicesGrpc.InvoicesImplBase {
    @Override
    public void cancelInvoice(CancelInvoiceMsg request, StreamObserver<CancelInvoiceResp> out) {
      String hash = HEX.formatHex(request.getPaymentHash().toByteArray());
      synchronized (LndSimulator.this) {
        Invoice inv = invoices.get(hash);
        if (inv == null) {
          out.onError(Status.NOT_FOUND.withDescription("unable to locate invoice").asRuntimeException());
          return;
        }
        if (inv.getState() == Invoice.InvoiceState.SETTLED) {
          out.onError(Status.UNKNOWN.withDescription("invoice already settled").asRuntimeException());
          return;
        }
        Invoice canceled = inv.toBuilder().setState(Invoice.InvoiceState.CANCELED).build();
        invoices.put(hash, canceled);
        publish(canceled);
      }
      out.onNext(CancelInvoiceResp.getDefaultInstance());
      out.onCompleted();
    }
  }

  static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
