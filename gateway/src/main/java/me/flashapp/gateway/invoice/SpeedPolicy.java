package me.flashapp.gateway.invoice;

/**
 * How many confirmations settle an on-chain payment (Greenfield names). Lightning and card
 * payments are final when recorded and settle at once under every policy.
 */
public enum SpeedPolicy {
  HighSpeed(0), MediumSpeed(1), LowMediumSpeed(2), LowSpeed(6);

  private final int confirmations;

  SpeedPolicy(int confirmations) {
    this.confirmations = confirmations;
  }

  public int requiredConfirmations() {
    return confirmations;
  }
}
