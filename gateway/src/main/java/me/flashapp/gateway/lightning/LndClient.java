package me.flashapp.gateway.lightning;

import com.google.protobuf.ByteString;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.ForwardingClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslProvider;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import javax.net.ssl.SSLException;
import org.lightningj.lnd.invoices.proto.InvoicesGrpc;
import org.lightningj.lnd.invoices.proto.InvoicesOuterClass.CancelInvoiceMsg;
import org.lightningj.lnd.proto.LightningApi.AddInvoiceResponse;
import org.lightningj.lnd.proto.LightningApi.GetInfoRequest;
import org.lightningj.lnd.proto.LightningApi.GetInfoResponse;
import org.lightningj.lnd.proto.LightningApi.Invoice;
import org.lightningj.lnd.proto.LightningApi.InvoiceSubscription;
import org.lightningj.lnd.proto.LightningApi.Payment;
import org.lightningj.lnd.proto.LightningApi.PaymentHash;
import org.lightningj.lnd.proto.LightningGrpc;
import org.lightningj.lnd.router.proto.RouterGrpc;
import org.lightningj.lnd.router.proto.RouterOuterClass.SendPaymentRequest;
import org.lightningj.lnd.router.proto.RouterOuterClass.TrackPaymentRequest;

/**
 * One LND node over gRPC: TLS pinned to the node's certificate, the macaroon in every call's
 * metadata. gRPC delivers results on its own threads; every callback here is re-dispatched with
 * {@link Context#runOnContext} to the Vert.x context that made the call, so callers never see a
 * foreign thread and never block an event loop.
 */
public final class LndClient implements AutoCloseable {
  private static final Metadata.Key<String> MACAROON = Metadata.Key.of("macaroon", Metadata.ASCII_STRING_MARSHALLER);
  private static final long UNARY_DEADLINE_SECONDS = 15;

  private final Vertx vertx;
  private final LndEndpoint endpoint;
  private final ManagedChannel managed;
  private final Channel channel;

  public LndClient(Vertx vertx, LndEndpoint endpoint) {
    this.vertx = vertx;
    this.endpoint = endpoint;
    try {
      var ssl = GrpcSslContexts.configure(SslContextBuilder.forClient(), SslProvider.JDK)
          .trustManager(new PinnedTrustManager(endpoint.certSha256Hex())).build();
      // Building the channel does not connect: it is safe on an event loop.
      this.managed = NettyChannelBuilder.forAddress(endpoint.host(), endpoint.port()).sslContext(ssl)
          .keepAliveTime(60, TimeUnit.SECONDS).build();
    } catch (SSLException e) {
      throw new IllegalStateException("TLS setup for " + endpoint.node() + " failed", e);
    }
    String macaroon = endpoint.macaroonHex();
    this.channel = ClientInterceptors.intercept(managed, new ClientInterceptor() {
      @Override
      public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
          @Override
          public void start(Listener<R> listener, Metadata headers) {
            headers.put(MACAROON, macaroon);
            super.start(listener, headers);
          }
        };
      }
    });
  }

  /** {@code host:port}: the node's identity for stream positions. */
  public String node() {
    return endpoint.node();
  }

  public LndEndpoint endpoint() {
    return endpoint;
  }

  public Future<GetInfoResponse> getInfo() {
    return unary((stub, obs) -> stub.getInfo(GetInfoRequest.getDefaultInstance(), obs));
  }

  public Future<AddInvoiceResponse> addInvoice(Invoice request) {
    return unary((stub, obs) -> stub.addInvoice(request, obs));
  }

  public Future<Invoice> lookupInvoice(byte[] paymentHash) {
    return unary((stub, obs) -> stub.lookupInvoice(PaymentHash.newBuilder().setRHash(ByteString.copyFrom(paymentHash))
        .build(), obs));
  }

  public Future<Void> cancelInvoice(byte[] paymentHash) {
    Context ctx = vertx.getOrCreateContext();
    Promise<Void> p = Promise.promise();
    InvoicesGrpc.newStub(channel).withDeadlineAfter(UNARY_DEADLINE_SECONDS, TimeUnit.SECONDS)
        .cancelInvoice(CancelInvoiceMsg.newBuilder().setPaymentHash(ByteString.copyFrom(paymentHash)).build(),
            observer(ctx, r -> { }, err -> p.tryFail(err), () -> p.tryComplete()));
    return p.future();
  }

  /** A server stream the caller can cancel (a gateway stopping, a stream to be restarted). */
  public interface Stream {
    void cancel();
  }

  /**
   * SubscribeInvoices from the given indexes (0 = no backlog of that kind, as in LND).
   * {@code onEnd} gets the error, or null when the node ended the stream cleanly.
   */
  public Stream subscribeInvoices(long addIndex, long settleIndex, Handler<Invoice> onInvoice, Handler<Throwable> onEnd) {
    var req = InvoiceSubscription.newBuilder().setAddIndex(addIndex).setSettleIndex(settleIndex).build();
    return stream(obs -> LightningGrpc.newStub(channel).subscribeInvoices(req, obs), onInvoice, onEnd);
  }

  /** routerrpc SendPaymentV2: every status update of the payment until it is final. */
  public Stream sendPayment(SendPaymentRequest request, Handler<Payment> onUpdate, Handler<Throwable> onEnd) {
    return stream(obs -> RouterGrpc.newStub(channel).sendPaymentV2(request, obs), onUpdate, onEnd);
  }

  /** routerrpc TrackPaymentV2: the current status of a payment, then its updates. */
  public Stream trackPayment(byte[] paymentHash, Handler<Payment> onUpdate, Handler<Throwable> onEnd) {
    var req = TrackPaymentRequest.newBuilder().setPaymentHash(ByteString.copyFrom(paymentHash)).build();
    return stream(obs -> RouterGrpc.newStub(channel).trackPaymentV2(req, obs), onUpdate, onEnd);
  }

  private <T> Future<T> unary(BiConsumer<LightningGrpc.LightningStub, StreamObserver<T>> call) {
    Context ctx = vertx.getOrCreateContext();
    Promise<T> p = Promise.promise();
    call.accept(LightningGrpc.newStub(channel).withDeadlineAfter(UNARY_DEADLINE_SECONDS, TimeUnit.SECONDS),
        observer(ctx, p::tryComplete, p::tryFail, () -> { }));
    return p.future();
  }

  private <T> Stream stream(java.util.function.Consumer<StreamObserver<T>> start, Handler<T> onNext,
                            Handler<Throwable> onEnd) {
    Context ctx = vertx.getOrCreateContext();
    var holder = new java.util.concurrent.atomic.AtomicReference<ClientCallStreamObserver<?>>();
    var cancelled = new java.util.concurrent.atomic.AtomicBoolean();
    StreamObserver<T> inner = observer(ctx, v -> {
      if (!cancelled.get()) {
        onNext.handle(v);
      }
    }, err -> {
      if (!cancelled.get()) {
        onEnd.handle(err);
      }
    }, () -> {
      if (!cancelled.get()) {
        onEnd.handle(null);
      }
    });
    start.accept(new ClientResponseObserver<Object, T>() {
      @Override
      public void beforeStart(ClientCallStreamObserver<Object> requestStream) {
        holder.set(requestStream);
      }

      @Override
      public void onNext(T value) {
        inner.onNext(value);
      }

      @Override
      public void onError(Throwable t) {
        inner.onError(t);
      }

      @Override
      public void onCompleted() {
        inner.onCompleted();
      }
    });
    return () -> {
      cancelled.set(true);
      var call = holder.get();
      if (call != null) {
        call.cancel("client stopped", null);
      }
    };
  }

  private static <T> StreamObserver<T> observer(Context ctx, Handler<T> onNext, Handler<Throwable> onError,
                                                Runnable onDone) {
    return new StreamObserver<>() {
      @Override
      public void onNext(T value) {
        ctx.runOnContext(v -> onNext.handle(value));
      }

      @Override
      public void onError(Throwable t) {
        ctx.runOnContext(v -> onError.handle(describe(t)));
      }

      @Override
      public void onCompleted() {
        ctx.runOnContext(v -> onDone.run());
      }
    };
  }

  /** Turns gRPC failures into messages an operator can act on (macaroon, certificate, reachability). */
  static Throwable describe(Throwable t) {
    if (!(t instanceof StatusRuntimeException s)) {
      return t;
    }
    String msg = switch (s.getStatus().getCode()) {
      case UNAUTHENTICATED -> "LND rejected the macaroon: " + s.getStatus().getDescription();
      case UNAVAILABLE -> {
        Throwable c = s.getCause();
        while (c != null && !(c instanceof java.security.cert.CertificateException)) {
          c = c.getCause();
        }
        yield c != null ? "TLS certificate check failed: " + c.getMessage()
            : "LND unreachable: " + s.getStatus().getDescription();
      }
      default -> "LND error " + s.getStatus().getCode() + ": " + s.getStatus().getDescription();
    };
    return new LndException(s.getStatus().getCode(), msg, t);
  }

  @Override
  public void close() {
    managed.shutdownNow();
  }
}
