package me.flashapp.gateway;

/** Entry point of {@code gateway.jar}. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.out.println("Flash Gateway");
  }
}
