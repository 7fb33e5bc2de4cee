package dev.fallbackwatch.webhooks;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** A webhook receiver on a free local port: records every request and answers with the statuses it is given. */
final class Receiver implements AutoCloseable {

    /** One request as received: the headers that matter and the raw body. */
    record Request(String deliveryId, String event, String signature, String contentType, byte[] body) {

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final HttpServer server;

    private final ExecutorService threads = Executors.newFixedThreadPool(8);

    private final Queue<Request> received = new ConcurrentLinkedQueue<>();

    private final Queue<Integer> scripted = new ConcurrentLinkedQueue<>();

    private volatile int otherwise = 200;

    private volatile long delayMillis;

    Receiver() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        server.setExecutor(threads);
        server.createContext("/hook", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                byte[] body = in.readAllBytes();
                received.add(new Request(
                        exchange.getRequestHeaders().getFirst(WebhookSender.DELIVERY_HEADER),
                        exchange.getRequestHeaders().getFirst(WebhookSender.EVENT_HEADER),
                        exchange.getRequestHeaders().getFirst(WebhookSignature.HEADER),
                        exchange.getRequestHeaders().getFirst("Content-Type"),
                        body));
                if (delayMillis > 0) {
                    Thread.sleep(delayMillis);
                }
                Integer status = scripted.poll();
                exchange.sendResponseHeaders(status == null ? otherwise : status, -1);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            } finally {
                exchange.close();
            }
        });
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    /** Answers the next requests with these statuses, then with {@link #otherwise}. */
    void answer(Integer... statuses) {
        scripted.addAll(List.of(statuses));
    }

    void answerOtherwise(int status) {
        otherwise = status;
    }

    void delay(long millis) {
        delayMillis = millis;
    }

    List<Request> received() {
        return new ArrayList<>(received);
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
