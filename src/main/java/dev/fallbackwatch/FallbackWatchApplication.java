package dev.fallbackwatch;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
public class FallbackWatchApplication {

    public static void main(String[] args) {
        SpringApplication.run(FallbackWatchApplication.class, args);
    }
}
