package org.segopt.engine;

import java.util.Locale;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * Picks an engine by name, as the CLI's {@code --backend} does: {@code cpu} (Vector API kernels on
 * all cores), {@code scalar} (the single-threaded reference), {@code gpu} (a registered
 * {@link BackendProvider} named "gpu"), or {@code auto} (the GPU when one is available and the
 * input is at least its {@link BackendProvider#autoMinimumVoxels()}, else the CPU, silently).
 * Every choice gives identical results.
 */
public final class Backends {
    /** The names {@link #select} accepts. */
    public static final String CHOICES = "auto, cpu, gpu, scalar";

    private Backends() {
    }

    /**
     * The engine for {@code choice} and an input of {@code voxels} voxels.
     *
     * @throws BackendUnavailableException if {@code gpu} was asked for and cannot run here
     * @throws IllegalArgumentException    if the choice is not one of {@link #CHOICES}
     */
    public static Engine select(String choice, long voxels) throws BackendUnavailableException {
        return switch (choice.toLowerCase(Locale.ROOT)) {
            case "cpu" -> Engine.parallel();
            case "scalar" -> Engine.scalar();
            case "gpu" -> Engine.of(provider("gpu")
                    .orElseThrow(() -> new BackendUnavailableException("no GPU backend on the class path (build gpu-kernels)"))
                    .open());
            case "auto" -> {
                Optional<BackendProvider> gpu = provider("gpu").filter(p -> voxels >= p.autoMinimumVoxels());
                if (gpu.isPresent()) {
                    try {
                        yield Engine.of(gpu.get().open());
                    } catch (BackendUnavailableException e) {
                        // auto falls back to the CPU without a word
                    }
                }
                yield Engine.parallel();
            }
            default -> throw new IllegalArgumentException("unknown backend '" + choice + "' (choose " + CHOICES + ")");
        };
    }

    private static Optional<BackendProvider> provider(String name) {
        return ServiceLoader.load(BackendProvider.class).stream().map(ServiceLoader.Provider::get)
                .filter(p -> p.name().equals(name)).findFirst();
    }
}
