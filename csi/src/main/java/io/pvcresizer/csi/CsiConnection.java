package io.pvcresizer.csi;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import io.grpc.stub.ClientCalls;
import io.pvcresizer.csi.v1.ControllerExpandVolumeRequest;
import io.pvcresizer.csi.v1.ControllerExpandVolumeResponse;
import io.pvcresizer.csi.v1.ControllerGetCapabilitiesRequest;
import io.pvcresizer.csi.v1.ControllerGetCapabilitiesResponse;
import io.pvcresizer.csi.v1.GetPluginCapabilitiesRequest;
import io.pvcresizer.csi.v1.GetPluginCapabilitiesResponse;
import io.pvcresizer.csi.v1.GetPluginInfoRequest;
import io.pvcresizer.csi.v1.GetPluginInfoResponse;
import io.pvcresizer.csi.v1.NodeExpandVolumeRequest;
import io.pvcresizer.csi.v1.NodeExpandVolumeResponse;
import io.pvcresizer.csi.v1.NodeGetCapabilitiesRequest;
import io.pvcresizer.csi.v1.NodeGetCapabilitiesResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * One gRPC connection to a CSI driver's Unix socket (its controller or node plugin endpoint, as the
 * {@code csi-resizer} sidecar and the kubelet reach it), through which every call carries its own deadline.
 *
 * <p>Calls throw {@link StatusRuntimeException} with the driver's gRPC status; {@link CsiErrors} classifies them.
 * The connection is lazy: a driver that is not listening yet fails the call with {@code UNAVAILABLE}.
 */
public final class CsiConnection implements CsiDriverPort, AutoCloseable {

    private final Path socket;
    private final EventLoopGroup eventLoop;
    private final ManagedChannel channel;
    private final Duration timeout;

    private CsiConnection(Path socket, Duration timeout) {
        this.socket = socket;
        this.timeout = timeout;
        this.eventLoop = new EpollEventLoopGroup(1);
        this.channel = NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toString()))
                .eventLoopGroup(eventLoop)
                .channelType(EpollDomainSocketChannel.class)
                .overrideAuthority("localhost")
                .usePlaintext()
                .build();
    }

    /**
     * A connection to the driver listening on {@code socket}, each call limited to {@code timeout}.
     *
     * @throws IllegalStateException when this platform has no native Unix-socket transport (Linux x86-64 and arm64 do)
     */
    public static CsiConnection open(Path socket, Duration timeout) {
        Objects.requireNonNull(socket, "socket");
        if (!Epoll.isAvailable()) {
            throw new IllegalStateException("cannot reach the CSI socket " + socket
                    + ": no native Unix-socket transport on this platform (" + Epoll.unavailabilityCause() + ")");
        }
        return new CsiConnection(socket, timeout);
    }

    /** The socket this connection reaches. */
    public Path socket() {
        return socket;
    }

    /** The per-call deadline. */
    public Duration timeout() {
        return timeout;
    }

    @Override
    public GetPluginInfoResponse pluginInfo() {
        return call(CsiMethods.GET_PLUGIN_INFO, GetPluginInfoRequest.getDefaultInstance());
    }

    @Override
    public GetPluginCapabilitiesResponse pluginCapabilities() {
        return call(CsiMethods.GET_PLUGIN_CAPABILITIES, GetPluginCapabilitiesRequest.getDefaultInstance());
    }

    @Override
    public ControllerGetCapabilitiesResponse controllerCapabilities() {
        return call(CsiMethods.CONTROLLER_GET_CAPABILITIES, ControllerGetCapabilitiesRequest.getDefaultInstance());
    }

    @Override
    public ControllerExpandVolumeResponse controllerExpand(ControllerExpandVolumeRequest request) {
        return call(CsiMethods.CONTROLLER_EXPAND_VOLUME, request);
    }

    @Override
    public NodeGetCapabilitiesResponse nodeCapabilities() {
        return call(CsiMethods.NODE_GET_CAPABILITIES, NodeGetCapabilitiesRequest.getDefaultInstance());
    }

    @Override
    public NodeExpandVolumeResponse nodeExpand(NodeExpandVolumeRequest request) {
        return call(CsiMethods.NODE_EXPAND_VOLUME, request);
    }

    private <Q, R> R call(MethodDescriptor<Q, R> method, Q request) {
        CallOptions options = CallOptions.DEFAULT.withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return ClientCalls.blockingUnaryCall(channel, method, options, request);
    }

    @Override
    public void close() {
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        eventLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    @Override
    public String toString() {
        return "CSI driver at unix://" + socket;
    }
}
